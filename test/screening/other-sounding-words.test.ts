import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { DEFAULT_COMPARE_PARAMS, SCREENING_COMPARE_PARAMS } from '../../src/screening/name-compare.ts';

const WITHOUT = { ...DEFAULT_COMPARE_PARAMS, distinctSoundingWords: false };
const THRESHOLD = 0.8;
const on = (schema: string, a: string, b: string) => compareNames(schema, a, b).score;
const off = (schema: string, a: string, b: string) => compareNames(schema, a, b, WITHOUT).score;

describe('near names that sound different, in company and vessel names', () => {
  it('two letters apart and a consonant apart in sound: another name (Karimi / Kariuki)', () => {
    const r = compareNames('organisation', 'Karimi Fresh Produce', 'Kariuki Fresh Produce');
    expect(r.score).toBeLessThan(THRESHOLD);
    expect(r.explanation.notes).toContain('other words, not a spelling variant: karimi / kariuki');
    // without the rule the same pair is a spelling variant
    expect(off('organisation', 'Karimi Fresh Produce', 'Kariuki Fresh Produce')).toBeGreaterThanOrEqual(THRESHOLD);
    expect(on('vessel', 'Karimi Star', 'Kariuki Star')).toBeLessThan(THRESHOLD);
    expect(off('vessel', 'Karimi Star', 'Kariuki Star')).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('two consonant sounds replaced: another name all the more (Mavromatis / Mavrokakis)', () => {
    expect(on('organisation', 'Mavromatis Marine Brokers', 'Mavrokakis Marine Brokers')).toBeLessThan(THRESHOLD);
    expect(off('organisation', 'Mavromatis Marine Brokers', 'Mavrokakis Marine Brokers')).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('screening applies it too (the screening parameters keep the default)', () => {
    expect(SCREENING_COMPARE_PARAMS.distinctSoundingWords).toBe(true);
    expect(compareNames('organisation', 'Karimi Fresh Produce', 'Kariuki Fresh Produce', SCREENING_COMPARE_PARAMS).score).toBeLessThan(
      THRESHOLD,
    );
  });

  it('one letter apart is a slip, still matched, even where the sound changes (Exxor / Exxon)', () => {
    expect(on('organisation', 'Exxor Mobil Corporation', 'Exxon Mobil Corporation')).toBeGreaterThanOrEqual(0.9);
    expect(on('organisation', 'Mavrodis Shipping', 'Mavrokis Shipping')).toBeGreaterThanOrEqual(0.9);
  });

  it('spellings of the same sounds stay variants: the same key, or a consonant more or less', () => {
    expect(on('organisation', 'Husain Brothers Industries', 'Hussain Brothers Industries')).toBeGreaterThanOrEqual(0.9);
    expect(on('organisation', 'Khoury Stone Works Ltd', 'Khouri Stone Works Limited')).toBeGreaterThanOrEqual(0.9);
    // two letters apart, but a consonant sound more (keys trflgr / trfgr): left to the spelling comparison, matched
    expect(on('organisation', 'Trafalgura Group Pte. Ltd.', 'Trafigura Group Pte. Ltd.')).toBeGreaterThanOrEqual(0.9);
  });

  it("words written by another language's transliteration conventions are compared by their sounds", () => {
    // German "sch" for ж: raw, two letters and a consonant apart; folded, one letter
    const pair = ['Prigoschin Catering OOO', 'Prigozhin Catering OOO'] as const;
    expect(on('organisation', ...pair)).toBeGreaterThanOrEqual(0.9);
    expect(on('organisation', ...pair)).toBe(off('organisation', ...pair));
  });

  it("people are not concerned: a person's name is heard and retyped", () => {
    expect(on('person', 'Ahmad Karimi', 'Ahmad Kariuki')).toBe(off('person', 'Ahmad Karimi', 'Ahmad Kariuki'));
    expect(on('person', 'Ahmad Karimi', 'Ahmad Kariuki')).toBeGreaterThanOrEqual(THRESHOLD);
  });
});

describe('a word opening with another consonant sound, in company and vessel names', () => {
  it('another first consonant, or one more or less, is another name even one letter apart (Canreach / Fanreach)', () => {
    for (const [a, b] of [
      ['CANREACH', 'FANREACH'],
      ['NARDIS', 'ZARDIS'],
      ['ARVIN', 'SARVIN'],
    ] as const) {
      const r = compareNames('vessel', a, b);
      expect(r.score).toBeLessThan(THRESHOLD);
      expect(r.explanation.notes).toContain(`other words, not a spelling variant: ${a.toLowerCase()} / ${b.toLowerCase()}`);
      expect(off('vessel', a, b)).toBeGreaterThanOrEqual(THRESHOLD);
    }
    for (const [a, b] of [
      ['Yongjin Ship Management Company Limited', 'Pyongjin Ship Management Company Limited'],
      ['Dinrin Limited', 'Binrin Limited'],
      ['Fatsa Company', 'Matsa Company'],
    ] as const) {
      expect(on('organisation', a, b)).toBeLessThan(THRESHOLD);
      expect(off('organisation', a, b)).toBeGreaterThanOrEqual(THRESHOLD);
    }
  });

  it('onsets that romanisations and transliterations write either way stay one name', () => {
    for (const [a, b] of [
      ['Korea Taesong Trading', 'Korea Daesong Trading'], // Korean t / d
      ['Ryugyong Trading', 'Yugyong Trading'], // Korean initial r dropped
      ['Jamal Trading', 'Gamal Trading'], // Egyptian g for j
      ['Vasiliev Shipping', 'Basiliev Shipping'], // Greek / Spanish v / b
      ['Husain Brothers', 'Usain Brothers'], // h dropped
      ['Korea Kwangson Banking', 'Korea Gwangson Banking'], // k / g
    ] as const)
      expect(on('organisation', a, b)).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('a silent first letter (kn-, ps-, wr-) is not a sound: the word opens with the next one', () => {
    expect(on('organisation', 'Knorrbach Shipping', 'Norrbach Shipping')).toBeGreaterThanOrEqual(THRESHOLD);
    expect(on('organisation', 'Psarakis Marine', 'Sarakis Marine')).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('a vowel put before the same consonants is a spelling (Estrella / Strella, Invidia / Nvidia)', () => {
    expect(on('organisation', 'Estrella Shipping', 'Strella Shipping')).toBeGreaterThanOrEqual(THRESHOLD);
    expect(on('organisation', 'Invidia Corporation', 'NVIDIA Corporation')).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('a slip at the end stays a spelling variant, and people are not concerned', () => {
    expect(on('organisation', 'Exxor Mobil Corporation', 'Exxon Mobil Corporation')).toBeGreaterThanOrEqual(0.9);
    expect(on('person', 'Ahmad Narimani', 'Ahmad Zarimani')).toBe(off('person', 'Ahmad Narimani', 'Ahmad Zarimani'));
    expect(on('person', 'Ahmad Narimani', 'Ahmad Zarimani')).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('of two words opening with j, one folded to y and one not (only longer words fold), both keep the j', () => {
    // "jewel" keeps its j (5 letters), "jewell" folds to "yewell": compared with their j, one slip apart
    expect(on('vessel', 'PACIFIC JEWEL', 'PACIFIC JEWELL')).toBeGreaterThanOrEqual(0.9);
    expect(on('organisation', 'Jamal Trading', 'Jamaal Trading')).toBeGreaterThanOrEqual(0.9);
    expect(compareNames('organisation', 'Jamal Trading', 'Jamaal Trading').explanation.notes.join(' ')).not.toMatch(/other words/);
    // a convention folded on both sides of another name still tells them apart
    expect(on('organisation', 'Wakimi Fresh Produce', 'Wakiuki Fresh Produce')).toBeLessThan(THRESHOLD);
    // and a German spelling still meets the English one (Prigoschin / Prigozhin)
    expect(on('organisation', 'Prigoschin Catering', 'Prigozhin Catering')).toBeGreaterThanOrEqual(THRESHOLD);
  });
});
