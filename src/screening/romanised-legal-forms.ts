/**
 * Legal forms of Russian and other Cyrillic-script company law written in Latin letters by any romanisation system.
 * The dictionaries (rigour's org_types.yml) list each long form in a few spellings, but the lists write the same
 * words in every system in use: щ is "shch" (BGN/PCGN, ALA-LC, ICAO passports), "sch" (German-influenced and common
 * English usage), "shh" (GOST 7.79 system B); й, ы and the -ый / -ий / -ой endings are "y", "i", "j", "yy", "iy" or
 * "yi"; the glide of е, ю, я after a vowel is "ye" / "je" or nothing, "yu" / "ju" / "iu", "ya" / "ja" / "ia"; ц is
 * "ts", "tz" or "c" (comparison tables in "Romanization of Russian": BGN/PCGN 1947, ALA-LC, GOST 7.79-2000, ISO 9,
 * ICAO Doc 9303 2013). So OFAC writes "OBSCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU", "AKTSIONERNOE OBSHCESTVO" and
 * "PUBLICHNOYE AKTSIONERNOYE OBSHCHESTVO", and before this the words that no dictionary spelling matched stayed in
 * the name as if they were its words ("Transservis" against its own long form scored 0.38).
 *
 * `romanisationFold` rewrites those spellings to one. A legal form of two words or more is looked for again with its
 * words and the name's words folded, when the name's words as written match none (name-normaliser.ts); single words
 * are never folded ("sia", "sa", "ao" are other legal forms, and a one-word match would take a name's own word).
 */

/** A dictionary phrase (name-dictionaries.ts's shape, declared here so the dictionaries can build this table). */
interface Phrase {
  tokens: string[];
  value: string;
}
type PhraseTable = Map<string, Phrase[]>;

/** Romanisation variants, in the order applied: щ first (its "sch" holds a "ch"), then the glides, then й / ы. */
const FOLDS: readonly (readonly [RegExp, string])[] = [
  [/s(?:hch|ch|hc|hh)/g, 'sh'], // щ: shch, sch, shc, shh
  [/t[sz]/g, 'c'], // ц: ts, tz, c
  [/(?<=[aeiouy])[yj]e/g, 'e'], // е after a vowel: -oye, -oje, -oe
  [/[yj]/g, 'i'], // й, ы, and the glide of ю, я
  [/ii+/g, 'i'], // -iy, -yy, -yi, -ij endings
];

/** A folded word is only compared when it is this long: short words are abbreviations or name words. */
const MIN_FOLDED_LENGTH = 5;

/** The word with the romanisation variants above rewritten to one spelling. */
export function romanisationFold(word: string): string {
  return FOLDS.reduce((s, [pattern, to]) => s.replace(pattern, to), word);
}

/**
 * The legal forms of two words or more, keyed by their folded words (the same phrases, so a match yields the
 * dictionary's canonical value).
 */
export function romanisedLegalFormTable(legalForms: PhraseTable): PhraseTable {
  const table: PhraseTable = new Map();
  for (const phrases of legalForms.values()) {
    for (const p of phrases) {
      if (p.tokens.length < 2 || p.tokens[0]!.length < MIN_FOLDED_LENGTH) continue;
      const tokens = p.tokens.map(romanisationFold);
      const key = tokens[0]!;
      const list = table.get(key) ?? [];
      if (!list.some((q) => q.tokens.join(' ') === tokens.join(' '))) list.push({ tokens, value: p.value });
      list.sort((a, b) => b.tokens.length - a.tokens.length);
      table.set(key, list);
    }
  }
  return table;
}

/** The longest legal form starting at toks[i] once its words and the name's are folded; undefined if none. */
export function matchRomanisedLegalForm(table: PhraseTable, toks: readonly string[], i: number): Phrase | undefined {
  const first = toks[i]!;
  if (first.length < MIN_FOLDED_LENGTH) return undefined;
  const candidates = table.get(romanisationFold(first));
  if (!candidates) return undefined;
  for (const p of candidates) {
    if (i + p.tokens.length > toks.length) continue;
    if (p.tokens.every((t, k) => k === 0 || romanisationFold(toks[i + k]!) === t)) return p;
  }
  return undefined;
}
