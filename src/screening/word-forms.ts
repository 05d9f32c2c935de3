import type { NameToken } from './name-normaliser.ts';

/** A word as written: a distinctive word, or a generic word before it became a symbol (compared by its `raw`). */
export const isWritten = (t: NameToken): boolean => t.kind === 'word' || t.kind === 'symbol';

/**
 * In company and vessel names a word and its plural or another inflected form are different names ("Altair Star" /
 * "Altair Stars", "Espoir" / "Espoirs"): sister ships and sister companies are named that way, and list data does not
 * drop a plural "s" by mistake. Generic words are symbols by then ("Motors" = "Motor"), so this only touches the distinctive
 * words of a company name. A ship's name is a proper name all through: a generic word's plural is another ship too
 * ("Ocean Trader" / "Ocean Traders", "Sea Venture" / "Sea Ventures"), compared as written.
 */
export function otherFormOfWord(a: NameToken, b: NameToken, vessel: boolean): boolean {
  if (vessel && (a.kind === 'symbol' || b.kind === 'symbol') && isWritten(a) && isWritten(b))
    return pluralOf(a.raw, b.raw) || pluralOf(b.raw, a.raw);
  if (a.kind !== 'word' || b.kind !== 'word') return false;
  return pluralOf(a.text, b.text) || pluralOf(b.text, a.text) || otherEnding(a.text, b.text);
}

/**
 * The same stem with another vowel ending — Romance gender and number (Marino / Marina, Stella / Stelle), English -y
 * against Latin -ia (Glory / Gloria) — is another word in a company or ship name. Not i / y, which transliterate one
 * letter (й, ی: Stroy / Stroi), and not an ending against none (Metal / Metali).
 */
const VOWEL_ENDINGS = new Set(['a', 'o', 'e', 'i', 'ia', 'io', 'y']);
function otherEnding(a: string, b: string): boolean {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  if (k < 3) return false;
  const ea = a.slice(k);
  const eb = b.slice(k);
  if (ea === eb || !VOWEL_ENDINGS.has(ea) || !VOWEL_ENDINGS.has(eb)) return false;
  return !((ea === 'i' && eb === 'y') || (ea === 'y' && eb === 'i'));
}

/**
 * The plural rule whatever the spacing: "Sea Horse" / "Seahorses" is "Seahorse" / "Seahorses" (another ship, see
 * otherFormOfWord), not one name spaced otherwise. `joinedText` is one side's tokens written together (`last` the last of
 * them), `single` the other side's word without spaces. In a company name a generic word's plural is no other name (Motor = Motors), so
 * for companies the rule needs the joined side's last word to be a distinctive word.
 */
export function pluralAcrossSpacing(joinedText: string, last: NameToken, single: string, vessel: boolean): boolean {
  if (!vessel && last.kind !== 'word') return false;
  return pluralOf(joinedText, single) || pluralOf(single, joinedText);
}

const pluralOf = (singular: string, plural: string): boolean =>
  singular.length >= 3 &&
  PLURAL_ENDINGS.some(([drop, add]) => singular.endsWith(drop) && plural === singular.slice(0, singular.length - drop.length) + add);

/**
 * Regular plural endings of the languages ship and company names are written in: English and Romance -s / -es,
 * English -y → -ies (Lady / Ladies), Turkish -lar / -ler (Yıldız / Yıldızlar), Italian -o → -i and -a → -e (Fratello /
 * Fratelli, Stella / Stelle), German -en (Stern / Sternen). Pairs come from the grammar, not from any list.
 */
const PLURAL_ENDINGS: readonly (readonly [string, string])[] = [
  ['', 's'],
  ['', 'es'],
  ['y', 'ies'],
  ['', 'lar'],
  ['', 'ler'],
  ['o', 'i'],
  ['a', 'e'],
  ['', 'en'],
];
