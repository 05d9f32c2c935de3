/**
 * Loads the name-normalisation dictionaries (copied from opensanctions/rigour, MIT; see resources/NOTICE.md) and
 * Remit's own additions (resources/remit-org-terms.yml: legal forms and generic company words across languages and
 * scripts, sources in the file), and compiles them into phrase tables over our own token normalisation.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { baseTokens } from './name-tokens.ts';
import { romanisedLegalFormTable } from './romanised-legal-forms.ts';

export interface Phrase {
  tokens: string[];
  /** Canonical value the phrase maps to (legal form / symbol id). */
  value: string;
}

/** Phrases indexed by their first token, longest first. */
export type PhraseTable = Map<string, Phrase[]>;

export interface NameDictionaries {
  personPrefixes: PhraseTable;
  orgPrefixes: Set<string>;
  objPrefixes: PhraseTable;
  /** Labels written before a party's name in payment messages and forms ("Beneficiary:", "Messrs."). */
  partyLabels: PhraseTable;
  /**
   * Phrases that separate two names in one published string ("a.k.a.", "formerly known as"), as patterns: a phrase at
   * a word start, followed by a separator or the end. Compiled here, once (issue 19 profile: building them per name was
   * a tenth of a screening).
   */
  splitPatterns: readonly RegExp[];
  legalForms: PhraseTable;
  /** Legal forms of two words or more keyed by their romanisation-folded words (romanised-legal-forms.ts). */
  romanisedLegalForms: PhraseTable;
  /** Legal-form canonical value -> generic class (LLC, JSC, ...), for conflict checks. */
  legalFormGeneric: Map<string, string>;
  /**
   * Legal forms the sources write only in parentheses (Korean `(유)` / `(yu)` for 유한회사, `(주)`): recognised in the
   * written name with their parentheses, never as a bare word — bare, "Yu" is a Chinese or Korean name syllable.
   */
  parenthesisedLegalForms: { text: string; value: string }[];
  orgSymbols: PhraseTable;
  /** Person-name token -> symbol groups (nicknames, cross-script spellings). */
  personGroups: Map<string, string[]>;
  personSymbols: PhraseTable;
  genericPersonNames: Set<string>;
}

function resource(name: string): unknown {
  return parse(readFileSync(new URL(`./resources/${name}`, import.meta.url), 'utf8'));
}

function addPhrase(t: PhraseTable, text: string, value: string): void {
  const tokens = baseTokens(text);
  if (tokens.length === 0) return;
  const first = tokens[0]!;
  let arr = t.get(first);
  if (!arr) t.set(first, (arr = []));
  if (arr.some((p) => p.tokens.join(' ') === tokens.join(' '))) return;
  arr.push({ tokens, value });
  arr.sort((a, b) => b.tokens.length - a.tokens.length);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

const isParenthesised = (a: string): boolean => /^\(.+\)$/.test(a.trim());

let cached: NameDictionaries | undefined;

export function nameDictionaries(): NameDictionaries {
  if (cached) return cached;
  const stop = resource('stopwords.yml') as Record<string, unknown>;
  const orgTypes = resource('org_types.yml') as { types: { display?: string; compare?: string; generic?: string; aliases?: string[] }[] };
  const symbols = resource('symbols.yml') as Record<string, Record<string, unknown>>;

  const d: NameDictionaries = {
    personPrefixes: new Map(),
    orgPrefixes: new Set(strings(stop['ORG_NAME_PREFIXES']).map((s) => s.toLowerCase())),
    objPrefixes: new Map(),
    partyLabels: new Map(),
    splitPatterns: strings(stop['NAME_SPLIT_PHRASES']).map(
      (s) => new RegExp(`(?:^|[\\s(,;])${s.toLowerCase().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?=[\\s:.-]|$)`, 'i'),
    ),
    legalForms: new Map(),
    romanisedLegalForms: new Map(),
    legalFormGeneric: new Map(),
    parenthesisedLegalForms: [],
    orgSymbols: new Map(),
    personGroups: new Map(),
    personSymbols: new Map(),
    genericPersonNames: new Set(strings(stop['GENERIC_PERSON_NAMES']).map((s) => baseTokens(s).join(' '))),
  };
  for (const p of strings(stop['PERSON_NAME_PREFIXES'])) addPhrase(d.personPrefixes, p, 'title');
  for (const p of strings(stop['OBJ_NAME_PREFIXES'])) addPhrase(d.objPrefixes, p, 'prefix');

  for (const t of orgTypes.types ?? []) {
    const canonical = baseTokens(t.compare ?? t.display ?? t.generic ?? t.aliases?.[0] ?? '').join('');
    if (!canonical) continue;
    if (t.generic) d.legalFormGeneric.set(canonical, t.generic.toLowerCase());
    const bracketed = (t.aliases ?? []).filter(isParenthesised).map((a) => baseTokens(a).join(''));
    for (const a of [...(t.aliases ?? []), t.display ?? '', t.compare ?? '']) {
      if (!a) continue;
      if (isParenthesised(a)) d.parenthesisedLegalForms.push({ text: a.toLowerCase(), value: canonical });
      else if (!bracketed.includes(baseTokens(a).join(''))) addPhrase(d.legalForms, a, canonical);
    }
  }

  for (const section of ['org_symbols', 'org_domains']) {
    for (const [key, aliases] of Object.entries(symbols[section] ?? {})) {
      for (const a of [key, ...strings(aliases)]) addPhrase(d.orgSymbols, a, key.toLowerCase());
    }
  }
  const remit = resource('remit-org-terms.yml') as Record<string, Record<string, unknown>>;
  for (const [canonical, aliases] of Object.entries(remit['legal_forms'] ?? {}))
    for (const a of strings(aliases))
      if (isParenthesised(a)) d.parenthesisedLegalForms.push({ text: a.toLowerCase(), value: canonical });
      else addPhrase(d.legalForms, a, canonical);
  d.romanisedLegalForms = romanisedLegalFormTable(d.legalForms);
  for (const p of strings(remit['vessel_prefixes'])) addPhrase(d.objPrefixes, p, 'prefix');
  for (const p of strings(remit['party_labels'])) addPhrase(d.partyLabels, p, 'label');
  for (const [key, aliases] of Object.entries(remit['org_symbols'] ?? {}))
    for (const a of [key, ...strings(aliases)]) addPhrase(d.orgSymbols, a, key);
  for (const section of ['person_nick', 'person_name_parts']) {
    for (const [key, aliases] of Object.entries(symbols[section] ?? {})) {
      for (const a of strings(aliases)) {
        const toks = baseTokens(a);
        if (toks.length !== 1) continue;
        const tok = toks[0]!;
        const g = d.personGroups.get(tok) ?? [];
        if (!g.includes(`${section}:${key}`)) g.push(`${section}:${key}`);
        d.personGroups.set(tok, g);
      }
    }
  }
  for (const [key, aliases] of Object.entries(symbols['person_symbols'] ?? {})) {
    for (const a of [key, ...strings(aliases)]) addPhrase(d.personSymbols, a, key.toLowerCase());
  }
  cached = d;
  return d;
}

/** Longest phrase from `table` starting at tokens[i]; returns its length and value. */
export function matchPhrase(table: PhraseTable, tokens: readonly string[], i: number): Phrase | undefined {
  const cands = table.get(tokens[i]!);
  if (!cands) return undefined;
  for (const p of cands) {
    if (i + p.tokens.length > tokens.length) continue;
    let ok = true;
    for (let k = 1; k < p.tokens.length; k++) {
      if (tokens[i + k] !== p.tokens[k]) {
        ok = false;
        break;
      }
    }
    if (ok) return p;
  }
  return undefined;
}
