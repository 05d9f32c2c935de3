/**
 * Company and vessel names written with other spacing: "EtsDiallo" for "Ets Diallo", "Sea Star" for "SeaStar". When
 * two names have the same letters and digits in the same order, they differ only in spaces and punctuation, which
 * typing, forms and payment messages drop or add; they are one name. The normaliser cannot see it when the words run
 * together across a legal form or a generic word it sets apart ("Ets" is a legal form, so "Ets Diallo" compares as
 * "diallo" and "EtsDiallo" as "etsdiallo"), so the check is on the names as written.
 *
 * Not for people: a person's name written without spaces is already matched word for word through joined words, and
 * single letters there are initials.
 */
import type { NormalisedName } from './name-normaliser.ts';

/** Names shorter than this (letters and digits) are not compared this way: too little to tell names apart. */
const MIN_LETTERS = 5;

const keys = new WeakMap<NormalisedName, string>();

/** The name's letters and digits as written, accents and case folded (once per normalised name). */
function lettersOf(n: NormalisedName): string {
  let k = keys.get(n);
  if (k === undefined) {
    k = n.original
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]/gu, '');
    keys.set(n, k);
  }
  return k;
}

/** The first character of a name, lower-cased when it is an ASCII letter or digit; 0 otherwise (not comparable cheaply). */
function firstAscii(s: string): number {
  const c = s.charCodeAt(0) | 0x20;
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ? c : 0;
}

/** Whether two company or vessel names are the same letters spaced or punctuated differently. */
export function sameLettersOtherSpacing(a: NormalisedName, b: NormalisedName): boolean {
  // most names compared begin with different letters: no need to fold them
  const fa = firstAscii(a.original);
  const fb = firstAscii(b.original);
  if (fa !== 0 && fb !== 0 && fa !== fb) return false;
  const ka = lettersOf(a);
  return ka.length >= MIN_LETTERS && ka === lettersOf(b) && a.original !== b.original;
}

/** The comparison of two such names: one name, score 1, explained. */
export const sameLettersComparison = (a: NormalisedName, b: NormalisedName) => ({
  score: 1,
  matches: [{ a: a.original, b: b.original, similarity: 1, how: 'joined' as const, weight: 1 }],
  unmatchedA: [] as string[],
  unmatchedB: [] as string[],
  notes: ['same letters, other spacing'],
});
