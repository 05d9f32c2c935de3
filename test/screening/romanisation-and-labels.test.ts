import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';
import { isPinyinSyllable, looksChinese, sameSyllable, sameSyllables, syllableReadings } from '../../src/screening/chinese-romanisation.ts';

const score = (schema: string, a: string, b: string) => compareNames(schema, a, b).score;
const texts = (name: string, schema: Parameters<typeof normaliseName>[1]) => normaliseName(name, schema).tokens.map((t) => t.text);

describe('Chinese names in Wade–Giles and Pinyin', () => {
  it('knows Pinyin syllables by their initial and final', () => {
    for (const s of ['zhong', 'xiao', 'ping', 'jie', 'lü'.normalize('NFKD').replace(/\p{M}/gu, ''), 'er', 'yuan', 'wei', 'zi'])
      expect(isPinyinSyllable(s)).toBe(true);
    for (const s of ['smith', 'gi', 'sia', 'zhue', 'go', 'bong', 'lee', 'kim']) expect(isPinyinSyllable(s)).toBe(false);
  });

  it('reads a Wade–Giles syllable as its Pinyin equivalents (apostrophes dropped)', () => {
    expect(syllableReadings('hsiao')).toEqual(['xiao']);
    expect(syllableReadings('tzu')).toContain('zi');
    expect(syllableReadings('chih')).toContain('zhi');
    expect(syllableReadings('kuo')).toEqual(expect.arrayContaining(['guo', 'kuo']));
    expect(syllableReadings('jen')).toContain('ren');
    expect(syllableReadings('yeh')).toEqual(['ye']);
    expect(syllableReadings('oxford')).toEqual([]);
  });

  it('the same syllable in either system matches; -n and -ng are different syllables', () => {
    expect(sameSyllable('teng', 'deng')).toBe(true);
    expect(sameSyllable('hsi', 'xi')).toBe(true);
    expect(sameSyllable('lin', 'ling')).toBe(false);
    expect(sameSyllable('chen', 'cheng')).toBe(false);
    expect(sameSyllables(['hsiao', 'ping'], ['xiaoping'])).toBe(true);
    expect(sameSyllables(['chou', 'en', 'lai'], ['zhou', 'enlai'])).toBe(true);
    expect(sameSyllables(['hsiao', 'ping'], ['xiaoming'])).toBe(false);
  });

  it('a name is Chinese only when every word spells syllables (Pinyin writes no vowel-initial syllable inside a word)', () => {
    expect(looksChinese(['teng', 'hsiao', 'ping'])).toBe(true);
    expect(looksChinese(['anna', 'lee'])).toBe(false);
    expect(looksChinese(['john', 'smith'])).toBe(false);
    expect(looksChinese(['wang'])).toBe(false); // one syllable says nothing
  });

  it('compares names across the two systems, and keeps near syllables apart', () => {
    expect(score('Person', 'Teng Hsiao-ping', 'Deng Xiaoping')).toBeGreaterThanOrEqual(0.85);
    expect(score('Person', 'Chou En-lai', 'Zhou Enlai')).toBeGreaterThanOrEqual(0.85);
    expect(compareNames('Person', 'Teng Hsiao-ping', 'Deng Xiaoping').explanation.matches.some((m) => m.how === 'romanisation')).toBe(true);
    // a letter apart in Latin, another character in Chinese
    expect(score('Person', 'Lin Hsin', 'Lin Hsing')).toBeLessThan(0.8);
    expect(score('Company', 'Tai Hsin Electric Co., Ltd.', 'Tai Hsing Electric Co., Ltd.')).toBeLessThan(0.8);
    // Western names keep the spelling-level comparison
    expect(score('Person', 'Jonathon Smith', 'Jonathan Smith')).toBeGreaterThanOrEqual(0.9);
  });
});

describe('legal forms, labels and prefixes around a name', () => {
  it('a legal form written only in parentheses ((yu), (주)) is not a bare word of the name', () => {
    expect(texts('Yu Tai Trading Co., Ltd.', 'organisation')[0]).toBe('yu');
    const n = normaliseName('(유) 한빛', 'organisation');
    expect(n.legalForms).toContain('yu');
    expect(n.tokens.map((t) => t.text)).not.toContain('yu');
    expect(normaliseName('(주) 한빛', 'organisation').legalForms).toContain('coltd');
  });

  it('party labels of payment messages are not part of the name', () => {
    expect(texts('BENEFICIARY: Orlen Timber Sp. z o.o.', 'organisation')).toEqual(['orlen', 'timber']);
    expect(texts('Messrs. Orlen Timber', 'organisation')).toEqual(['orlen', 'timber']);
    expect(texts('Messrs', 'organisation')).toEqual(['messrs']); // never empties a name
  });

  it('ship-type prefixes (MT, M/S, MY) are dropped from vessels, and from companies without a legal form', () => {
    expect(texts('MT Northern Dawn', 'vessel')).toEqual(['northern', 'dawn']);
    expect(texts('M/S Northern Dawn', 'vessel')).toEqual(['northern', 'dawn']);
    expect(texts('MT Northern Dawn', 'organisation')).toEqual(['northern', 'dawn']);
    expect(texts('MT Northern Dawn Ltd', 'organisation')).toEqual(['mt', 'northern', 'dawn']);
  });

  it('the Arabic article is one token whatever its romanisation (al, el, ul)', () => {
    expect(texts('Dar El Salam Trading', 'organisation')[1]).toBe('al');
    expect(score('Company', 'Dar El Salam Contracting', 'Dar Al Salam Contracting')).toBe(1);
    expect(texts('Kaya El', 'person')).toEqual(['kaya', 'el']); // an article precedes its word
  });

  it('a leading connector that is also a short given name is that given name', () => {
    expect(normaliseName('Ben Harlow', 'person').tokens[0]).toMatchObject({ text: 'ben', kind: 'word', weight: 1 });
    expect(score('Person', 'Ben Harlow', 'Benjamin Harlow')).toBeGreaterThanOrEqual(0.9);
    // inside a name it stays the connector "son of"
    expect(texts('Yusuf Ben Harlow', 'person')).toEqual(['yusuf', 'bin', 'harlow']);
  });
});

describe('plurals, Burmese spellings and reversed words', () => {
  it('a ship or company word and its plural in the main languages are different names', () => {
    expect(score('Vessel', 'Golden Lady', 'Golden Ladies')).toBeLessThan(0.8);
    expect(score('Vessel', 'Mavi Yıldız', 'Mavi Yıldızlar')).toBeLessThan(0.8);
    expect(score('Company', 'Stella Marina Srl', 'Stelle Marine Srl')).toBeLessThan(0.8);
    expect(score('Vessel', 'Golden Lady', 'Golden Lady')).toBe(1);
    // people are not subject to it
    expect(score('Person', 'Maria Lopez', 'Marie Lopez')).toBeGreaterThan(0.8);
  });

  it('a Burmese syllable matches its informal English spellings (aspirates, long vowels, rhymes)', async () => {
    const { burmeseSyllableKey } = await import('../../src/screening/burmese-romanise.ts');
    for (const [bgn, informal] of [
      ['hkin', 'khin'],
      ['htun', 'tun'],
      ['htun', 'htoon'],
      ['so', 'soe'],
      ['htu', 'htoo'],
      ['ma', 'mar'],
      ['kye', 'kyal'],
      ['e', 'aye'],
      ['hkaing', 'khine'],
      ['hlon', 'hlone'],
    ])
      expect(burmeseSyllableKey(bgn!)).toBe(burmeseSyllableKey(informal!));
    expect(burmeseSyllableKey('tun')).not.toBe(burmeseSyllableKey('tin'));
    expect(score('Person', 'ခင်မောင်ထွန်း', 'Khin Maung Tun')).toBeGreaterThanOrEqual(0.9);
    // Latin against Latin is untouched: "Tun" and "Htoon" are not folded outside Myanmar script
    expect(compareNames('Person', 'Khin Maung Tun', 'Khin Maung Htoon').explanation.matches.some((m) => m.how === 'romanisation')).toBe(
      false,
    );
  });

  it('a word written backwards matches the word, a little below the forward spelling', () => {
    const r = compareNames('Person', 'nesraL kraM', 'Mark Larsen');
    expect(r.score).toBeGreaterThanOrEqual(0.9);
    expect(r.score).toBeLessThan(1);
    expect(r.explanation.matches.every((m) => m.how === 'reversed')).toBe(true);
    expect(score('Person', 'Anna Otto', 'Otto Anna')).toBe(1); // palindromes and order: plain matches
    expect(score('Person', 'Noel Leon', 'Leon Noel')).toBe(1);
  });
});

describe('Arabic nasab shortened', () => {
  it('father and grandfather links (bin X bin Y) present on one side only cost as connectors', () => {
    const full = 'Khalid bin Saeed bin Hamad Al Qasimi';
    expect(score('Person', 'Khalid bin Hamad Al Qasimi', full)).toBeGreaterThanOrEqual(0.8);
    // the same number of extra words that are not a nasab still cost as names
    expect(score('Person', 'Khalid Hamad Al Qasimi', 'Khalid Saeed Rashid Hamad Al Qasimi')).toBeLessThan(
      score('Person', 'Khalid bin Hamad Al Qasimi', full),
    );
    // a different father on both sides is still a conflict
    expect(score('Person', 'Khalid bin Saeed Al Qasimi', 'Khalid bin Rashid Al Qasimi')).toBeLessThan(0.8);
  });
});

describe('inflected forms in names of things', () => {
  it('another vowel ending of the same stem is another ship or company word; i / y spellings are not', () => {
    expect(score('Vessel', 'Ocean Glory', 'Ocean Gloria')).toBeLessThan(0.8);
    expect(score('Vessel', 'Stella Marino', 'Stella Marina')).toBeLessThan(0.8);
    expect(score('Company', 'Volga Stroy OOO', 'Volga Stroi OOO')).toBeGreaterThanOrEqual(0.9);
    expect(score('Person', 'Antonio Ruiz', 'Antonia Ruiz')).toBeGreaterThan(0.5);
  });
});

describe('translated generic words', () => {
  it('trade directions and business functions in other scripts are the generic word', () => {
    expect(score('Company', '大成出口有限公司', 'Dacheng Export Co., Ltd.')).toBeGreaterThanOrEqual(0.8);
    expect(score('Company', 'שחר יבוא בע"מ', 'Shahar Import Ltd')).toBeGreaterThanOrEqual(0.8);
  });

  it('a Hebrew or Arabic "and" / "the" prefixed to a generic word does not hide it', () => {
    const n = normaliseName('שחר יבוא ושיווק בע"מ', 'organisation');
    expect(n.tokens.filter((t) => t.kind === 'symbol').map((t) => t.text)).toEqual(['§import', '§marketing']);
    expect(score('Company', 'שחר יבוא ושיווק בע"מ', 'Shahar Import and Marketing Ltd')).toBeGreaterThanOrEqual(0.9);
    // a name word that happens to start with the letter stays a word
    expect(normaliseName('ורד יבוא בע"מ', 'organisation').tokens[0]!.kind).toBe('word');
  });
});
