/**
 * A name from a Cyrillic-script language reaches Latin letters through the transliteration conventions of the
 * language of the document that wrote it, not only through English ones: ш is English "sh", German "sch", Polish
 * "sz"; ч is English "ch", German "tsch", French "tch", Polish "cz"; в is English "v", German and Polish "w"; й and
 * the j-glide of я / ю / е / ё are English "y", German, Polish and Czech "j"; дж is English "dzh" / "j", French "dj",
 * German "dsch"; у is French "ou"; кс is often "x" (sources: the comparison tables of BGN/PCGN 1947, Duden
 * (German), the Polish PWN and the French usual transliteration in "Romanization of Russian", Wikipedia; Library of
 * Congress ALA-LC Russian table). So the German press's "Jewgeni Prigoschin", "Wiktor Janukowytsch", "Alexej
 * Nawalny" and "Mahmud Ahmadinedschad" are the lists' Yevgeny Prigozhin, Viktor Yanukovych, Aleksei Navalny and
 * Mahmoud Ahmadinejad, but a letter-by-letter comparison sees two to four letters changed in one word.
 *
 * `transliterationFold` rewrites those conventions to one spelling. Two words that do not match as written are
 * compared again folded (name-compare.ts): equal folds are one name in two conventions, near folds are compared
 * like any spelling. Only a word that holds one of the conventions is folded; the English-only spellings ("zh",
 * "kh", "sh") stay as they are.
 */
import { phoneticKey } from './phonetic-key.ts';
import { spellingSimilarity, type SpellingSim } from './spelling-similarity.ts';

/** The conventions folded, in the order applied (longer ones first: "tsch" before "sch", "dsch" before "sch"). */
const FOLDS: readonly (readonly [RegExp, string])[] = [
  [/tsch/g, 'ch'], // German ч
  [/dsch/g, 'j'], // German дж
  [/sch/g, 'sh'], // German ш (and ж)
  [/tch/g, 'ch'], // French ч
  [/cz/g, 'ch'], // Polish ч
  [/sz/g, 'sh'], // Polish ш
  [/dzh|dj/g, 'j'], // English / French дж
  [/w/g, 'v'], // German / Polish в
  [/(?<=.)j/g, 'y'], // German / Polish / Czech й and the glide of я, ю, е inside a word
  [/^j(?=[aeiou].{4})/, 'y'], // the same at the start of a word of 6 letters or more (see HAS_CONVENTION)
  [/x/g, 'ks'], // кс
  [/ou/g, 'u'], // French у
];

/**
 * A word-initial "j" before a vowel is German / Polish я, ю, е (Jewgeni, Julija, Jelena) or English j (John), and
 * Korean and Chinese syllables written in Latin letters keep "j" and "y" apart (Jong / Yong, Jun / Yun: other
 * characters, other people); those are at most five letters, so only longer words fold it.
 */
const HAS_CONVENTION = /sch|tch|cz|sz|dzh|dj|w|(?<=.)j|^j[aeiou].{4}|x|ou/;

/**
 * Folds computed so far, words without a convention included (null: the word is its own fold): the same few thousand
 * name words are compared again and again, and one map look-up is cheaper than the convention test. A word without a
 * convention gets itself back, the very string, so comparisons tell "no fold" by identity (the score bound asks it
 * for every token pair without a letter-by-letter route). Bounded: emptied when full.
 */
const computed = new Map<string, string | null>();
const MAX_COMPUTED = 200_000;

/** The word with the other languages' transliteration conventions rewritten to one spelling (the word if none). */
export function transliterationFold(word: string): string {
  let folded = computed.get(word);
  if (folded === undefined) {
    folded = HAS_CONVENTION.test(word) ? FOLDS.reduce((s, [pattern, to]) => s.replace(pattern, to), word) : null;
    if (folded === word) folded = null;
    if (computed.size >= MAX_COMPUTED) computed.clear();
    computed.set(word, folded);
  }
  return folded ?? word;
}

/** One word in two languages' transliteration conventions counts a little less than the word written alike. */
export const TRANSLITERATION_SIM = 0.95;

/**
 * Whether two folds that differ are worth comparing as spellings: the same first letter, lengths at most two apart.
 * Every spelling match of a name's folds seen (Prigoschin / Prigozhin, Julija / Yulia) is; the check keeps the second
 * comparison off the many word pairs of unrelated names (the score bound uses the same test).
 */
export function foldsComparable(fa: string, fb: string): boolean {
  return fa.charCodeAt(0) === fb.charCodeAt(0) && Math.abs(fa.length - fb.length) <= 2;
}

/**
 * Words compared again with other languages' conventions folded (`fa` / `fb`, the tokens' `fold`): the same letters
 * once folded are one name in two conventions ("Nawalny" = "Navalny", more than the spelling similarity a
 * letter-by-letter comparison gives them); near ones are compared as spellings ("Prigoschin" ~ "Prigozhin"). `spelt`,
 * the comparison as written, when it is the better one or neither word holds a convention.
 */
export function transliteratedSimilarity(
  ta: string,
  tb: string,
  fa: string,
  fb: string,
  spelt: SpellingSim,
): SpellingSim | { sim: number; how: 'romanisation' } {
  if (fa === ta && fb === tb) return spelt;
  if (fa === fb) return { sim: TRANSLITERATION_SIM, how: 'romanisation' };
  if (!foldsComparable(fa, fb)) return spelt;
  const s = spellingSimilarity(fa, fb, phoneticKey(fa), phoneticKey(fb), 'fuzzy');
  return s.sim > spelt.sim ? s : spelt;
}
