import { describe, expect, it } from 'vitest';
import { romaniseKhmer } from '../../src/screening/khmer-romanise.ts';
import { compareNames } from '../../src/screening/matcher.ts';
import { transliterate } from '../../src/screening/transliterate.ts';

describe('Khmer: the vowels the script does not write', () => {
  it('a consonant the next one follows directly carries its inherent vowel: "a" (first series) or "o" (second)', () => {
    expect(romaniseKhmer('ពត')).toBe('pot'); // ព second series; ត closes the syllable, bare
    expect(romaniseKhmer('សម')).toBe('sam'); // ស first series
    expect(romaniseKhmer('សំផន')).toBe('samphan');
  });

  it("a word's only consonant carries it too; a word's last consonant does not", () => {
    expect(romaniseKhmer('ស')).toBe('sa');
    expect(romaniseKhmer('ពត').endsWith('t')).toBe(true);
  });

  it('the series signs: MUUSIKATOAN makes ប a "p" and the series first, TRIISAP the series second (ុ reads o / u)', () => {
    expect(romaniseKhmer('ប៉ុល')).toBe('pol');
    expect(romaniseKhmer('ហ៊ុន')).toBe('hun');
    expect(romaniseKhmer('តាម៉ុក')).toBe('tamok');
  });

  it('subscript consonants stay in the onset, before the vowel', () => {
    expect(romaniseKhmer('នរោត្តម')).toBe('noraottam');
    // the onset's base consonant decides how the vowel reads: ក្រុង (city) is "krong", as in Krong Phnom Penh
    expect(romaniseKhmer('ក្រុង')).toBe('krong');
  });

  it('names written in Khmer meet their usual Latin spellings; other names stay apart', () => {
    expect(transliterate('ប៉ុល ពត')).toBe('pol pot');
    expect(compareNames('person', 'ប៉ុល ពត', 'Pol Pot').score).toBeGreaterThanOrEqual(0.9);
    expect(compareNames('person', 'ហ៊ុន សែន', 'Hun Sen').score).toBeGreaterThanOrEqual(0.9);
    expect(compareNames('person', 'ខៀវ សំផន', 'Khieu Samphan').score).toBeGreaterThanOrEqual(0.9);
    expect(compareNames('person', 'ហ៊ុន សែន', 'Hun Manet').score).toBeLessThan(0.8);
    expect(compareNames('person', 'ប៉ុល ពត', 'Pol Sam').score).toBeLessThan(0.8);
  });
});
