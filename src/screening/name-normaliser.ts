/**
 * Name normalisation for matching. Steps (in order):
 *  1. split multi-name strings ("X a.k.a. Y", "X (ex-Y)", "X c/o ...") into alternatives;
 *  2. transliterate to Latin (Cyrillic, Greek, Arabic, ...), fold accents and case;
 *  3. people: "SURNAME, Given" is rotated to "Given SURNAME"; titles/honorifics at the start are dropped;
 *  4. punctuation: apostrophes vanish, other punctuation separates tokens;
 *  5. organisations: runs of single letters are joined ("A.B.C." -> "abc"); legal forms are recognised
 *     ("Aktiengesellschaft" ~ "AG") and set apart; organisation terms map to a shared symbol
 *     ("Corporation" ~ "Company" ~ "Co"); vessel prefixes (MV, M/V) dropped;
 *  6. number words become digits ("forty-four" -> "44", "1st"/"first" -> "1");
 *  7. each token gets a weight (particles like "al", "bin", "van" and initials weigh little)
 *     and a phonetic key.
 */
import { isShipTypePrefix } from './ship-named.ts';
import { baseTokens } from './name-tokens.ts';
import { matchPhrase, nameDictionaries } from './name-dictionaries.ts';
import { phoneticKey } from './phonetic-key.ts';
import { matchRomanisedLegalForm } from './romanised-legal-forms.ts';
import { transliterationFold } from './transliteration-variants.ts';
import { isAbjad, isSyllabic } from './transliterate.ts';
import { countryCode } from './country-codes.ts';
import { closesName, withoutGenerationalSuffix } from './generational-suffix.ts';

export type NameSchema = 'person' | 'organisation' | 'vessel' | 'aircraft' | 'unknown';

export interface NameToken {
  /** Comparison text (symbol id for organisation terms). */
  text: string;
  /** Original (folded) text before symbol mapping. */
  raw: string;
  weight: number;
  phonetic: string;
  /**
   * The text with other languages' transliteration conventions folded (transliteration-variants.ts: "nawalny" ->
   * "navalny"); the text itself when it holds none. Computed once here: comparisons look at it for every token pair.
   */
  fold?: string;
  kind: 'word' | 'particle' | 'initial' | 'number' | 'symbol';
  /** Person-name symbol groups (nicknames, spelling variants). */
  groups?: string[];
  /** Token came from a script that does not write short vowels (Arabic, Hebrew). */
  abjad?: boolean;
  /** Token is one romanised syllable of a CJK or Hangul name: a different syllable is a different character. */
  syllable?: boolean;
  /** Token is one romanised syllable of a name written in Myanmar script (compared by `burmeseSyllableKey`). */
  burmese?: boolean;
}

export interface NormalisedName {
  original: string;
  schema: NameSchema;
  tokens: NameToken[];
  /** Legal forms found (canonical, e.g. "ag", "llc"). */
  legalForms: string[];
  /**
   * Written with a ship-type prefix (MV, M/T, MS ...), whatever the schema: lists and forms file ships as companies
   * ("MV Ras Kitau" under Company), and such a name is compared as a ship's (ship-named.ts).
   */
  ship?: true;
}

const PARTICLES = new Set([
  'al',
  'el',
  'ul',
  'ur',
  'ud',
  'bin',
  'ben',
  'ibn',
  'bint',
  'binti',
  'de',
  'da',
  'do',
  'dos',
  'das',
  'del',
  'della',
  'di',
  'du',
  'van',
  'von',
  'der',
  'den',
  'la',
  'le',
  'y',
  'e',
  'na',
  'ter',
  'ap',
  'mac',
  'st',
  'bn',
  'b',
]);

const DROP_PERSON_SYMBOLS = new Set(['jr', 'sr', 'esq', 'dr', 'prof', 'md', 'dds', 'dvm', 'phd', 'cpa', 'cfa', 'cma', 'csa']);
const HONORIFICS = new Set(['haji', 'sheikh']);

const ORG_STOP = new Set(['the', 'of', 'and', 'und', 'et', 'for', 'in']);

const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
};
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** The table's own entry: a word such as "constructor" must not find Object.prototype's members. */
const own = (table: Record<string, number>, key: string | undefined): number | undefined =>
  key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;

function numbersToDigits(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const ord = /^(\d+)(st|nd|rd|th)$/.exec(t);
    if (ord) {
      out.push(ord[1]!);
      continue;
    }
    const tens = own(TENS, t);
    if (tens !== undefined) {
      const next = tokens[i + 1];
      const unit = own(UNITS, next);
      if (unit !== undefined && unit > 0 && unit < 10) {
        out.push(String(tens + unit));
        i++;
      } else out.push(String(tens));
      continue;
    }
    const u = own(UNITS, t);
    out.push(u !== undefined ? String(u) : t);
  }
  return out;
}

/**
 * A parenthesised annotation of a company or vessel name ("(Kakamega Branch)", "(Batumi)", "(Marshall Islands
 * flag)") is not part of the name: an alternative without it is added. A company's parenthesised country ("(UK)")
 * is kept, as it names a different legal entity (a foreign subsidiary); a vessel's is its flag or port, and so is
 * what follows a comma in a vessel name.
 */
function withoutAnnotation(name: string, schema: NameSchema): string | undefined {
  if (schema !== 'organisation' && schema !== 'vessel') return undefined;
  // a vessel's port of registry follows a comma ("MV Soja Paranaense, Santos"); ship names carry no commas
  const port = schema === 'vessel' ? /^([^,(]+),\s*[^,]+$/.exec(name) : null;
  if (port?.[1]) return port[1].trim();
  const m = /^(.*?)\s*\(([^)]*)\)\s*(.*)$/.exec(name);
  if (!m || !m[1]) return undefined;
  if (schema === 'organisation' && countryCode(m[2]!.trim())) return undefined;
  return `${m[1]} ${m[3]}`.trim();
}

/**
 * Splits one published string into alternative names (with the schema: also without a parenthesised annotation; at
 * semicolons, each part).
 */
export function nameAlternatives(name: string, schema: NameSchema = 'unknown'): string[] {
  const alts = new Set<string>();
  const trimmed = name.replace(/\s+/g, ' ').trim();
  if (!trimmed) return [];
  alts.add(trimmed);
  const lower = trimmed.toLowerCase();
  for (const re of nameDictionaries().splitPatterns) {
    const m = re.exec(lower);
    if (m && m.index > 0) {
      alts.add(trimmed.slice(0, m.index).replace(/[\s(,;]+$/, ''));
      alts.add(trimmed.slice(m.index + m[0].length).replace(/^[\s:.-]+|[)\s]+$/g, ''));
    }
  }
  const ex = /^(.*?)\s*\((?:ex|ex-|formerly|former|f\.?k\.?a\.?)[\s.-]+([^)]+)\)\s*(.*)$/i.exec(trimmed);
  if (ex) {
    alts.add(`${ex[1]} ${ex[3]}`.trim());
    alts.add(ex[2]!.trim());
  }
  // a semicolon separates names: the UN list packs an alias's spellings into one string ("Qasim Soleimani; Qasem
  // Sulaimani; Kasim Sulaymani"), as OpenSanctions' exports join values; no name holds one as a character
  if (trimmed.includes(';')) for (const part of trimmed.split(';')) alts.add(part.trim());
  // a remark after the name: the UN list writes a person's birth into an alias ("Khirullah Said Wali Khairkhwa, born in
  // Kandahar on 01 Jan.1967", "Mohammad Ishaq Akhund born in 1963"); "born" then "in", "on" or a date, so a family
  // name Born ("Max Born") stays a name
  const born = /^(.*?)[,\s]+born\s+(?:in|on|\d)/i.exec(trimmed);
  if (born?.[1]) alts.add(born[1]);
  const careOf = /^(.*?)[,\s]+c\/o\s.*$/i.exec(trimmed);
  if (careOf?.[1]) alts.add(careOf[1]);
  const plain = withoutAnnotation(trimmed, schema);
  if (plain) alts.add(plain);
  return [...alts].filter((a) => a.length > 0);
}

/**
 * The Arabic definite article ال is romanised al-, el- (Egyptian, Levantine and French-based spellings) or ul- (after a
 * vowel, South Asian spellings: Zia-ul-Haq): one article, so one token ("Kasr El Ghazalat" = "Qasr Al Ghazalat").
 */
function arabicArticle(t: string, i: number, toks: readonly string[]): string {
  return (t === 'el' || t === 'ul') && i + 1 < toks.length && /\p{L}/u.test(toks[i + 1]!) ? 'al' : t;
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g' };

/** "I9or" -> "igor", "Sech1n" -> "sechin": digits inside a person-name word are look-alike letters. */
function unLeet(t: string): string {
  if (!/\d/.test(t) || !/\p{L}.*\p{L}/u.test(t)) return t;
  return t.replace(/\d/g, (d) => LEET[d] ?? d);
}

const ROMAN = /^(?=[ivx]{2,5}$)x{0,3}(ix|iv|v?i{0,3})$/;

function romanValue(t: string): number {
  const v: Record<string, number> = { i: 1, v: 5, x: 10 };
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const cur = v[t[i]!]!;
    const next = v[t[i + 1] ?? ''] ?? 0;
    n += cur < next ? -cur : cur;
  }
  return n;
}

function rotateComma(name: string): string {
  const parts = name.split(',');
  if (parts.length !== 2) return name;
  const [a, b] = parts as [string, string];
  if (!a.trim() || !b.trim()) return name;
  // "Randy K. Weber, IV", "Martin Luther King, Jr.": a suffix after the comma closes the name, it is no given name
  if (closesName(b)) return `${a.trim()} ${b.trim()}`;
  return `${b.trim()} ${a.trim()}`;
}

function isSingleLetter(t: string): boolean {
  return t.length === 1 && /\p{L}/u.test(t);
}

type Dictionaries = ReturnType<typeof nameDictionaries>;

/**
 * A connector ("son of": ben, bin, ibn) joins a given name to a father's or family name, so it never starts a name: a
 * first word that is also a given name's short form (dictionary nickname groups: "Ben" for Benjamin, Benedict) is that
 * given name, weighed as a name ("Ben Netanyahu" ~ "Benjamin Netanyahu").
 */
function leadingGivenName(toks: readonly string[], dict: Dictionaries): boolean {
  return toks.length > 1 && dict.personGroups.has(toks[0]!);
}

/** People: leading titles dropped, suffixes and degrees dropped, connectors and honorifics in one spelling. */
function personTokens(tokens: string[], dict: Dictionaries): string[] {
  let toks = withoutGenerationalSuffix(tokens);
  // drop leading titles/honorifics ("Mr", "Dr.", "His Excellency", "Präsident"), keeping at least one token
  for (;;) {
    if (toks.length < 2) break;
    const p = matchPhrase(dict.personPrefixes, toks, 0);
    if (!p || p.tokens.length >= toks.length) break;
    toks = toks.slice(p.tokens.length);
  }
  // generational suffixes and degrees ("Jr", "PhD") are not name parts; Arabic/Dutch/German connectors and
  // honorifics map to one canonical spelling ("Abd al" -> "abdul", "ibn" -> "bin")
  const mapped: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const p = matchPhrase(dict.personSymbols, toks, i);
    if (p && i === 0 && leadingGivenName(toks, dict)) {
      mapped.push(toks[0]!);
      continue;
    }
    if (p && DROP_PERSON_SYMBOLS.has(p.value)) {
      if (i > 0 && toks.length > 2) {
        i += p.tokens.length - 1;
        continue;
      }
    } else if (p) {
      mapped.push(p.value);
      i += p.tokens.length - 1;
      continue;
    }
    mapped.push(toks[i]!);
  }
  return mapped;
}

/** An organisation's tokens, and whether a ship-type prefix (MV, MT, M/S ...) was dropped from before them. */
interface OrganisationTokens {
  readonly tokens: string[];
  readonly ship: boolean;
}

/** Organisations, vessels, unknown: legal forms set aside (into `legalForms`), acronyms joined, numerals as digits. */
function organisationTokens(
  tokens: string[],
  dict: Dictionaries,
  schema: NameSchema,
  legalForms: string[],
  syllabic: boolean,
): OrganisationTokens {
  // organisations, vessels, unknown: legal forms first ("L.P.", "S.A. de C.V."), then runs of single
  // letters become acronyms ("A.B.C." -> "abc") and roman numerals become digits ("II" -> "2"); legal forms are
  // looked for again after joining, since "S.n.c." is only listed as "snc"
  let toks = tokens.map((t, i) => (i > 0 && ROMAN.test(t) ? String(romanValue(t)) : t));
  toks = withoutLegalForms(toks, dict, legalForms, syllabic);
  const joined: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    if (isSingleLetter(toks[i]!) && i + 1 < toks.length && isSingleLetter(toks[i + 1]!)) {
      let run = toks[i]!;
      while (i + 1 < toks.length && isSingleLetter(toks[i + 1]!)) run += toks[++i]!;
      joined.push(run);
    } else joined.push(toks[i]!);
  }
  toks = joined.length < toks.length ? withoutLegalForms(joined, dict, legalForms, syllabic) : joined;
  toks = withFinalRomanOne(toks, syllabic);
  // a ship-type prefix (MV, MT, M/S ...) before a vessel's name; lists also file ships as companies ("MV Ras
  // Kitau" under Company), so an organisation name without a legal form drops it too
  if (schema === 'vessel' || legalForms.length === 0) {
    const p = matchPhrase(dict.objPrefixes, toks, 0);
    if (p && p.tokens.length < toks.length) return { tokens: toks.slice(p.tokens.length), ship: isShipTypePrefix(p.tokens.join('')) };
  }
  return { tokens: toks, ship: false };
}

/**
 * A single I or V closing a company or vessel name after a word is a numeral, as II and VI are: "Ocean Star I" is
 * "Ocean Star 1" (a first ship of a series), "Carlyle Partners V" is fund 5. Single letters are otherwise kept as
 * letters (ROMAN needs two), since a lone letter inside a name is an initial; at the end, after the single-letter runs
 * are joined into acronyms, it can only be a numeral or a one-letter word. X stays a letter ("Generation X", "Space X"),
 * and so do syllables of CJK or Hangul names (the Korean surname 이 is romanised "I").
 */
function withFinalRomanOne(toks: string[], syllabic: boolean): string[] {
  const last = toks[toks.length - 1];
  if (syllabic || toks.length < 2 || (last !== 'i' && last !== 'v')) return toks;
  return [...toks.slice(0, -1), last === 'i' ? '1' : '5'];
}

/** A party label before the name ("Beneficiary:", "Messrs."): dropped, keeping at least one token. */
function withoutPartyLabel(toks: string[], dict: Dictionaries): string[] {
  const p = matchPhrase(dict.partyLabels, toks, 0);
  return p && p.tokens.length < toks.length ? toks.slice(p.tokens.length) : toks;
}

/** Legal forms written in parentheses ("(유)", "(yu)", "(주)") are set apart before the parentheses are lost. */
function withoutParenthesisedLegalForms(text: string, dict: Dictionaries, legalForms: string[]): string {
  if (!text.includes('(')) return text;
  let out = text;
  for (const { text: form, value } of dict.parenthesisedLegalForms) {
    const at = out.toLowerCase().indexOf(form);
    if (at < 0) continue;
    out = `${out.slice(0, at)} ${out.slice(at + form.length)}`;
    if (!legalForms.includes(value)) legalForms.push(value);
  }
  return out.trim() ? out : text;
}

/** Sets legal forms apart (into `legalForms`); never removes every token. */
function withoutLegalForms(toks: string[], dict: Dictionaries, legalForms: string[], syllabic = false): string[] {
  const kept: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const lf = matchPhrase(dict.legalForms, toks, i) ?? matchRomanisedLegalForm(dict.romanisedLegalForms, toks, i);
    // a name written in Chinese, Japanese or Korean script states its legal form in that script (有限公司, 주식회사):
    // a romanised syllable that spells a Latin abbreviation ("da", "sa", "ag") is part of the name
    if (lf && syllabic && lf.tokens.length === 1 && lf.tokens[0]!.length <= 3) {
      kept.push(toks[i]!);
      continue;
    }
    if (lf && lf.tokens.length < toks.length) {
      if (!legalForms.includes(lf.value)) legalForms.push(lf.value);
      i += lf.tokens.length - 1;
      continue;
    }
    kept.push(toks[i]!);
  }
  return kept.length > 0 ? kept : toks;
}

/**
 * Hebrew and Arabic write "and" (ו, و) and Hebrew "the" (ה) as a prefix of the next word ("ושיווק" = "and marketing",
 * "והשקעות" = "and investments"): a generic word behind such a prefix is still that generic word.
 */
function prefixedSymbol(t: string, dict: Dictionaries): string | undefined {
  if (t.length < 4 || !/^[vhw]/.test(t)) return undefined;
  const rest = t.slice(1);
  const p = matchPhrase(dict.orgSymbols, [rest], 0) ?? (/^h/.test(rest) ? matchPhrase(dict.orgSymbols, [rest.slice(1)], 0) : undefined);
  return p && p.tokens.length === 1 ? p.value : undefined;
}

/** Weighted, classified tokens: initials, particles and short tokens count for less; organisation symbols as `§`. */
function weightedTokens(
  toks: string[],
  schema: NameSchema,
  script: { abjad: boolean; syllabic: boolean; burmese: boolean },
  dict: Dictionaries,
): NameToken[] {
  const out: NameToken[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (schema !== 'person') {
      if (ORG_STOP.has(t) && toks.length > 1) continue;
      const sym = matchPhrase(dict.orgSymbols, toks, i);
      if (sym && toks.length > 1) {
        const raw = toks.slice(i, i + sym.tokens.length).join(' ');
        const text = `§${sym.value}`;
        out.push({ text, raw, weight: 0.5, phonetic: phoneticKey(sym.value), fold: text, kind: 'symbol' });
        i += sym.tokens.length - 1;
        continue;
      }
      const prefixed = script.abjad && toks.length > 1 ? prefixedSymbol(t, dict) : undefined;
      if (prefixed) {
        const text = `§${prefixed}`;
        out.push({ text, raw: t, weight: 0.5, phonetic: phoneticKey(prefixed), fold: text, kind: 'symbol' });
        continue;
      }
    }
    let kind: NameToken['kind'] = 'word';
    let weight = 1;
    if (/^\d+$/.test(t)) kind = 'number';
    else if (schema !== 'person' && isEzafe(toks, i)) {
      out.push({ text: 'e', raw: 'e', weight: 0.35, phonetic: phoneticKey('e'), fold: 'e', kind: 'particle' });
      continue;
    } else if (isSingleLetter(t)) {
      kind = 'initial';
      weight = 0.3;
    } else if (schema !== 'organisation' && PARTICLES.has(t) && !(schema === 'person' && i === 0 && leadingGivenName(toks, dict))) {
      kind = 'particle';
      weight = 0.35;
    } else if (HONORIFICS.has(t)) {
      kind = 'particle';
      weight = 0.5;
    } else if (t.length <= 2) weight = 0.6;
    const tok: NameToken = { text: t, raw: t, weight, phonetic: phoneticKey(t), fold: transliterationFold(t), kind };
    if (script.abjad) tok.abjad = true;
    if (script.syllabic) tok.syllable = true;
    if (script.burmese && kind === 'word') tok.burmese = true;
    if (schema === 'person' || schema === 'unknown') {
      const g = dict.personGroups.get(t);
      if (g) tok.groups = g;
    }
    out.push(tok);
  }
  return out;
}

/**
 * The Persian and Urdu ezafe, the vowel that links a word to the next ("Lashkar-e-Taiba", army of the pure;
 * "Tehrik-i-Taliban", "Jaish-e-Mohammed"), is romanised -e- or -i- by the conventions (Persian -e-, Urdu often -i-;
 * the lists write both for one group): a lone e or i between two words of a name that is not a person's is that
 * link, one particle of low weight whichever letter stands for it. (A person's lone letters are initials.)
 */
const LINKING_AND = new Set(['and', 'und', 'et', 'y']);
function isEzafe(toks: readonly string[], i: number): boolean {
  const t = toks[i];
  if ((t !== 'e' && t !== 'i') || i === 0 || i === toks.length - 1) return false;
  const before = toks[i - 1]!;
  const after = toks[i + 1]!;
  // a lone letter next to "and" is an initial of its own ("P and I Club": protection and indemnity)
  return before.length > 1 && after.length > 1 && !LINKING_AND.has(before) && !LINKING_AND.has(after);
}

export function normaliseName(name: string, schema: NameSchema = 'unknown'): NormalisedName {
  const dict = nameDictionaries();
  const abjad = isAbjad(name);
  let text = name;
  if (schema === 'person') text = rotateComma(text);
  const legalForms: string[] = [];
  if (schema !== 'person') text = withoutParenthesisedLegalForms(text, dict, legalForms);
  let toks = withoutPartyLabel(baseTokens(text), dict);
  let ship = false;
  if (schema === 'person') toks = personTokens(toks, dict);
  else ({ tokens: toks, ship } = organisationTokens(toks, dict, schema, legalForms, isSyllabic(name)));
  toks = numbersToDigits(toks).map(arabicArticle);
  if (schema === 'person') toks = toks.map(unLeet);
  const out = weightedTokens(toks, schema, { abjad, syllabic: isSyllabic(name), burmese: /[\u1000-\u109f]/.test(name) }, dict);
  // never return an empty token list for a non-empty name
  if (out.length === 0 && toks.length > 0) {
    for (const t of toks) out.push({ text: t, raw: t, weight: 1, phonetic: phoneticKey(t), fold: transliterationFold(t), kind: 'word' });
  }
  return ship ? { original: name, schema, tokens: out, legalForms, ship: true } : { original: name, schema, tokens: out, legalForms };
}
