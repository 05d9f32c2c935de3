import type { NameToken } from './name-normaliser.ts';

/**
 * Surnames derived from a name by a suffix: Linder from Lind, Robertson from Robert, Karimov from Karim, Williams and
 * Willis from Will(iam). A family name grows by a derivational ending of two letters or more (-er, -son, -ov, -ams,
 * -is), and the derived name is another family's name, not the first one misspelt: a typing slip or a
 * transliteration changes a letter or two inside a name or at its end (Mohamed / Mohammed, Yevgeniy / Yevgeny,
 * Abdullah / Abdullahi), it does not add a syllable. Jaro-Winkler weighs the shared beginning most, so such pairs
 * score as near spellings (Lind / Linder 0.93) and a person's common given name plus a derived surname reached the
 * review line.
 *
 * Two words are derived forms when they share a beginning of at least four letters, one word ends at most one letter
 * after it, and the other goes on for at least two letters more than that. Only family names: the rule looks at the
 * last word of each name (where the normaliser puts a listed `SURNAME, Given`). Given names take longer and shorter
 * forms across languages (Johan / Johannes, Christoph / Christopher, Abiy / Abiyot), which stay matched.
 */

const MIN_STEM = 4;

/** Whether two words of a person's name are a name and another name derived from it by a suffix. */
export function derivedNameForms(a: string, b: string): boolean {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  if (k < MIN_STEM) return false;
  const ta = a.length - k;
  const tb = b.length - k;
  return Math.min(ta, tb) <= 1 && Math.abs(ta - tb) >= 2;
}

/** The last word of a name (not an initial, particle or number): the family name in the order names are normalised to. */
function lastWord(tokens: readonly NameToken[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]!.kind === 'word') return i;
  return -1;
}

/** Whether token i of one name and token j of the other are both family names, one derived from the other by a suffix. */
export function derivedSurnames(ta: readonly NameToken[], i: number, tb: readonly NameToken[], j: number): boolean {
  return i === lastWord(ta) && j === lastWord(tb) && derivedNameForms(ta[i]!.text, tb[j]!.text);
}
