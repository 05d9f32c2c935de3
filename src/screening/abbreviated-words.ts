/**
 * Words abbreviated with a full stop in company and vessel names: "Comm." for "Commendator", "Mgmt." for
 * "Management", "Assoc." for "Associates", "Intl." for "International". A word written short with a full stop
 * stands for a longer word that begins with the same letter and contains its letters in order (a truncation,
 * "Comm.", or a contraction, "Mgmt."). Without the full stop a short word is a word of its own ("Ship Finance" is
 * not "Shipping Finance"), so only words written with one count.
 */
import type { NormalisedName } from './name-normaliser.ts';

/** An abbreviation has at least two letters (one letter is an initial, matched as such) and stands for a longer word. */
const MIN_LETTERS = 2;
const MAX_LETTERS = 6;

const written = new WeakMap<NormalisedName, ReadonlySet<string>>();
/** Most names abbreviate nothing: they share one empty set. */
const NONE: ReadonlySet<string> = new Set<string>();

/** The words a name writes with a full stop after them ("comm" in "Comm. Bront Silvano"), once per normalised name. */
function abbreviatedInName(n: NormalisedName): ReadonlySet<string> {
  let set = written.get(n);
  if (!set) {
    let found: Set<string> | undefined;
    for (const m of n.original
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .matchAll(/(?<![\p{L}.])(\p{L}+)\.(?!\p{L}\.)/gu)) {
      const w = m[1]!;
      if (w.length < MIN_LETTERS || w.length > MAX_LETTERS) continue;
      (found ??= new Set<string>()).add(w);
    }
    set = found ?? NONE;
    written.set(n, set);
  }
  return set;
}

/** Whether `short` can stand for `long`: the same first letter, its letters in order in `long`, and `long` longer. */
export function abbreviates(short: string, long: string): boolean {
  if (long.length <= short.length || short[0] !== long[0]) return false;
  let k = 0;
  for (const c of long) if (c === short[k]) k++;
  return k === short.length;
}

/**
 * Pairs (index in a, index in b) of a word one name abbreviates with a full stop and a word of the other name it can
 * stand for. Only words (not symbols, numbers, initials): generic words are already symbols matched whatever their
 * spelling.
 */
export function abbreviationPairs(a: NormalisedName, b: NormalisedName): [number, number][] {
  if (!a.original.includes('.') && !b.original.includes('.')) return [];
  let out: [number, number][] | undefined;
  // word pairs that could be an abbreviation first (cheap); only those look up what each name writes with a full stop
  for (let i = 0; i < a.tokens.length; i++) {
    const x = a.tokens[i]!;
    if (x.kind !== 'word') continue;
    for (let j = 0; j < b.tokens.length; j++) {
      const y = b.tokens[j]!;
      if (y.kind !== 'word') continue;
      const aShort = x.text.length <= MAX_LETTERS && abbreviates(x.text, y.text) && abbreviatedInName(a).has(x.text);
      if (aShort || (y.text.length <= MAX_LETTERS && abbreviates(y.text, x.text) && abbreviatedInName(b).has(y.text)))
        (out ??= []).push([i, j]);
    }
  }
  return out ?? [];
}
