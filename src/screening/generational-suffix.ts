/**
 * A generational suffix after a person's name ("John Smith III", "John Smith 3rd", "John Smith the Third",
 * "Randy K. Weber, IV") tells a family's namesakes apart; it is not a name word, as Jr. and Sr. are not (both are
 * dropped by the normaliser's person symbols). Written as a Roman numeral, an ordinal or an ordinal word, it is dropped
 * too, so the three forms and the name without it compare alike: the date of birth, not the suffix, tells a father
 * from his son (the screening policy's corroboration). Only II–IV (V is also an initial) and only at the end of a name
 * of two words more, so a one-word name keeps it.
 */
const ROMAN_GENERATION = new Set(['ii', 'iii', 'iv']);
const ORDINAL_GENERATION = /^[2-4](nd|rd|th)$/;
const WORD_GENERATION = new Set(['second', 'third', 'fourth']);

/** Whether a folded word is a generational suffix written as a numeral or an ordinal (II, 3rd). */
export function isGenerationalSuffix(word: string): boolean {
  return ROMAN_GENERATION.has(word) || ORDINAL_GENERATION.test(word);
}

/** A person's folded tokens without a closing generational suffix ("the third", "iii", "3rd"). */
export function withoutGenerationalSuffix(toks: readonly string[]): readonly string[] {
  const n = toks.length;
  if (n >= 4 && toks[n - 2] === 'the' && WORD_GENERATION.has(toks[n - 1]!)) return toks.slice(0, -2);
  if (n >= 3 && isGenerationalSuffix(toks[n - 1]!)) return toks.slice(0, -1);
  return toks;
}

/** Whether the part after a person name's comma is a suffix closing the name ("King, Jr.", "Weber, IV"), not given names. */
export function closesName(part: string): boolean {
  const w = part.trim().toLowerCase().replace(/\.$/, '');
  return w === 'jr' || w === 'sr' || isGenerationalSuffix(w);
}
