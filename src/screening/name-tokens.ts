/** Character-level name cleaning shared by the normaliser and the dictionaries. */
import { transliterate } from './transliterate.ts';

const SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'ae',
  ø: 'o',
  Ø: 'o',
  đ: 'd',
  Đ: 'd',
  ł: 'l',
  Ł: 'l',
  ı: 'i',
  œ: 'oe',
  Œ: 'oe',
  þ: 'th',
  Þ: 'th',
  ð: 'd',
  Ð: 'd',
  ħ: 'h',
  ŋ: 'ng',
  ſ: 's',
  ĸ: 'k',
};

/** Transliterates, folds accents and case; keeps letters/digits of any script. */
export function foldText(input: string): string {
  let s = transliterate(input);
  s = s.replace(/[ßæÆøØđĐłŁıœŒþÞðÐħŋſĸ]/g, (c) => SPECIAL[c] ?? c);
  s = s.normalize('NFKD').replace(/[\u0300-\u036f\u0591-\u05c7\u064b-\u0652\u0670]/g, '');
  return s.toLowerCase();
}

/** Clean text into tokens: apostrophes vanish ("Qa'ida" -> "qaida"), other punctuation separates. */
export function baseTokens(input: string): string[] {
  return foldText(input)
    .replace(/(\p{L})['’]s\b/gu, '$1') // possessive: "Bank's" -> "Bank"
    .replace(/['’‘`ʼʻ´]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
}
