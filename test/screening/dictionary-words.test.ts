import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { differentDictionaryWords } from '../../src/screening/dictionary-words.ts';
import { DEFAULT_COMPARE_PARAMS } from '../../src/screening/name-compare.ts';

const WITHOUT = { ...DEFAULT_COMPARE_PARAMS, distinctDictionaryWords: false };
const THRESHOLD = 0.8;

describe('near real words in company and vessel names', () => {
  it('two dictionary words a letter apart are two names (a generic word is compared as written)', () => {
    const on = compareNames('organisation', 'Brackwater Timber Exports Ltd', 'Brackwater Timber Experts Ltd');
    expect(on.score).toBeLessThan(THRESHOLD);
    expect(on.explanation.notes).toContain('other words, not a spelling variant: exports / experts');
    // the same pair without the rule: a spelling variant, matched
    expect(
      compareNames('organisation', 'Brackwater Timber Exports Ltd', 'Brackwater Timber Experts Ltd', WITHOUT).score,
    ).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('homophones spelt as other words are other names, for vessels as for companies', () => {
    expect(compareNames('organisation', 'Sole Mates Footwear Inc', 'Soul Mates Footwear Inc').score).toBeLessThan(THRESHOLD);
    expect(compareNames('organisation', 'Sole Mates Footwear Inc', 'Soul Mates Footwear Inc', WITHOUT).score).toBeGreaterThanOrEqual(
      THRESHOLD,
    );
    expect(compareNames('vessel', 'Silent Knight', 'Silent Night').score).toBeLessThan(THRESHOLD);
    expect(compareNames('vessel', 'Silent Knight', 'Silent Night', WITHOUT).score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('a typo that is not a word still matches', () => {
    expect(compareNames('organisation', 'Brackwater Timber Exprots Ltd', 'Brackwater Timber Exports Ltd').score).toBeGreaterThanOrEqual(
      THRESHOLD,
    );
    expect(compareNames('organisation', 'Brackwater Tinber Exports Ltd', 'Brackwater Timber Exports Ltd').score).toBeGreaterThanOrEqual(
      THRESHOLD,
    );
  });

  it('American and British spellings of one word, and forms of one stem, stay one word', () => {
    expect(differentDictionaryWords('colour', 'color')).toBe(false);
    expect(differentDictionaryWords('organisation', 'organization')).toBe(false);
    expect(differentDictionaryWords('engineers', 'engineering')).toBe(false);
    expect(differentDictionaryWords('exports', 'experts')).toBe(true);
    expect(differentDictionaryWords('knight', 'night')).toBe(true);
    // not both dictionary words: a name, a typo
    expect(differentDictionaryWords('karimi', 'kariuki')).toBe(false);
    expect(differentDictionaryWords('exprots', 'exports')).toBe(false);
    const s = (a: string, b: string) => compareNames('organisation', a, b).score;
    expect(s('Northbay Harbour Colour Works', 'Northbay Harbor Color Works')).toBeGreaterThanOrEqual(THRESHOLD);
    expect(s('Ravensholt Engineers Ltd', 'Ravensholt Engineering Ltd')).toBe(
      compareNames('organisation', 'Ravensholt Engineers Ltd', 'Ravensholt Engineering Ltd', WITHOUT).score,
    );
  });

  it('people are not concerned: surnames and given names are often words (Baker, Banker)', () => {
    expect(differentDictionaryWords('baker', 'banker')).toBe(true);
    const on = compareNames('person', 'John Baker', 'John Banker');
    expect(on.score).toBe(compareNames('person', 'John Baker', 'John Banker', WITHOUT).score);
    expect(on.score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it("in a ship's name two forms of one stem are two names; in a firm's name one (Voyager / Voyage, Exports / Exporters)", () => {
    expect(differentDictionaryWords('voyager', 'voyage')).toBe(false);
    expect(differentDictionaryWords('voyager', 'voyage', true)).toBe(true);
    expect(compareNames('vessel', 'Arctic Voyager', 'Arctic Voyage').score).toBeLessThan(THRESHOLD);
    expect(compareNames('vessel', 'Arctic Voyager', 'Arctic Voyage', WITHOUT).score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(compareNames('vessel', 'Sea Lion', 'Sea Lioness').score).toBeLessThan(THRESHOLD);
    expect(compareNames('organisation', 'Arctic Voyager Shipping Ltd', 'Arctic Voyage Shipping Ltd').score).toBeGreaterThanOrEqual(
      THRESHOLD,
    );
    // spellings of one word stay one word in a ship's name too (only a word extended by a suffix is another)
    expect(differentDictionaryWords('adapter', 'adaptor', true)).toBe(false);
    expect(differentDictionaryWords('oxidise', 'oxidize', true)).toBe(false);
    expect(compareNames('vessel', 'Equaled Star', 'Equalled Star').score).toBeGreaterThanOrEqual(0.9);
    expect(differentDictionaryWords('harbor', 'harbour', true)).toBe(false);
    expect(compareNames('vessel', 'Ocean Harbor', 'Ocean Harbour').score).toBeGreaterThanOrEqual(0.9);
  });
});
