import { describe, expect, it } from 'vitest';
import { latinSkeletons, withoutJoinedArticle } from '../../src/screening/arabic-article.ts';
import { compareNames } from '../../src/screening/matcher.ts';

const score = (schema: string, a: string, b: string) => compareNames(schema, a, b).score;

describe('the Arabic article joined to its word in Arabic script (arabic-article.ts)', () => {
  it('reads the skeleton of an Arabic-script word without its article, and a Latin word without an assimilated one', () => {
    expect(withoutJoinedArticle('alhkim')).toBe('hkm');
    expect(withoutJoinedArticle('altkriti')).toBe('tkrt');
    // "ali" (علي) and other short words are words, not the article and a word
    expect(withoutJoinedArticle('ali')).toBeUndefined();
    expect(withoutJoinedArticle('alaa')).toBeUndefined();
    expect(withoutJoinedArticle('hkim')).toBeUndefined();
    // a vowel and a doubled sun letter: as-Sabbar, ar-Rahman, ad-Din; a moon letter doubled is the word's own
    expect(latinSkeletons('essabar')).toEqual(['esbr', 'sbr']);
    expect(latinSkeletons('arrahman')).toEqual(['arhmn', 'rhmn']);
    expect(latinSkeletons('abbas')).toEqual(['abs']);
    expect(latinSkeletons('ashraf')).toEqual(['ashrf']); // a sun letter, not doubled: the word's own
    expect(latinSkeletons('hakim')).toEqual(['hkm']);
  });

  it("matches a listed person's Latin name to its Arabic original (UN list aliases, below the line before)", () => {
    expect(score('Person', 'ABDUL HAKIM MURAD', 'عبد الحكيم مراد')).toBeGreaterThanOrEqual(0.9); // was 0.41
    expect(score('Person', 'ZAKARYA ESSABAR', 'زكريا الصبار')).toBeGreaterThanOrEqual(0.9); // was 0.26
    expect(score('Person', 'SAMIRA SHAHBANDAR', 'سميرة الشاهبندر')).toBeGreaterThanOrEqual(0.9); // was 0.26
    expect(score('Company', 'AL MOURABITOUN', 'المرابطون')).toBeGreaterThan(0.6); // was 0
  });

  it('drops only the article of the Arabic-script word: other names stay apart, Latin against Latin is untouched', () => {
    expect(score('Person', 'ABDUL HAKIM MURAD', 'عبد الحليم مراد')).toBeLessThan(0.8); // Halim, not Hakim
    expect(score('Person', 'ZAKARYA ESSABAR', 'زكريا الصباغ')).toBeLessThan(0.8);
    expect(score('Person', 'Mohammad Alhakim', 'Mohammad Hakim')).toBeLessThan(0.8); // two Latin spellings: as before
  });
});
