/**
 * The matcher: name comparison with alternatives, entity scoring with corroboration (DOB, nationality,
 * identifiers), and explanations. Pure functions; no clock, no randomness.
 */
import { compareNormalised, DEFAULT_COMPARE_PARAMS, round, type NameCompareParams, type NameComparison } from './name-compare.ts';
import { nameAlternatives, normaliseName, type NameSchema, type NormalisedName } from './name-normaliser.ts';
import {
  compareDob,
  formatBirthDate,
  formatPartialDate,
  fullDatesMoreThanYearsApart,
  parsePartialDate,
  type DobComparison,
} from './partial-date.ts';
import { countryCode } from './country-codes.ts';
import type { EntityKind, NameType, PartialDate, ScreeningEntity } from './screening-entity.ts';
import type { HitDisposition } from './hit-disposition.ts';
import {
  DECISIVE_KINDS,
  formatStrongIdentifier,
  parseQueryIdentifier,
  strongIdentifierOf,
  type StrongIdentifier,
} from './strong-identifier.ts';
import type { OwnershipExplanation } from './ownership.ts';
import { DEFAULT_SCREENING_POLICY, type CorroborationWeights, type ScreeningPolicy } from '../domain/org/screening-policy.schema.ts';

/** Default similarity at which two names are called a match when scoring name pairs (`remit screen pairs`, benchmarks). */
export const DEFAULT_THRESHOLD = 0.8;

export type { CorroborationWeights };

export const DEFAULT_CORROBORATION: CorroborationWeights = DEFAULT_SCREENING_POLICY.corroboration;

/** The parts of the screening policy corroboration reads. */
export type CorroborationPolicy = Pick<ScreeningPolicy, 'corroboration' | 'hardContradiction'>;

export function schemaFromString(s: string | undefined): NameSchema {
  const v = (s ?? '').trim().toLowerCase();
  if (v === 'person' || v === 'individual') return 'person';
  if (['company', 'organization', 'organisation', 'publicbody', 'entity'].includes(v)) return 'organisation';
  if (v === 'vessel') return 'vessel';
  if (v === 'airplane' || v === 'aircraft') return 'aircraft';
  return 'unknown';
}

export interface NameExplanation {
  name1: string;
  name2: string;
  comparedAs: [string, string];
  matches: NameComparison['matches'];
  unmatched1: string[];
  unmatched2: string[];
  notes: string[];
}

export interface CompareNamesResult {
  score: number;
  explanation: NameExplanation;
}

export function normaliseAlternatives(name: string, schema: NameSchema): NormalisedName[] {
  return nameAlternatives(name, schema).map((a) => normaliseName(a, schema));
}

/** Best comparison over the alternatives of both names. */
export function compareNormalisedSets(
  as: NormalisedName[],
  bs: NormalisedName[],
  params: NameCompareParams = DEFAULT_COMPARE_PARAMS,
): { cmp: NameComparison; a: NormalisedName; b: NormalisedName } | undefined {
  let best: { cmp: NameComparison; a: NormalisedName; b: NormalisedName } | undefined;
  for (const a of as) {
    for (const b of bs) {
      const cmp = compareNormalised(a, b, params);
      if (!best || cmp.score > best.cmp.score) best = { cmp, a, b };
    }
  }
  return best;
}

/** Similarity of two names of the given schema ("Person", "Company", "Vessel", ...), with its explanation. */
export function compareNames(
  schema: string,
  name1: string,
  name2: string,
  params: NameCompareParams = DEFAULT_COMPARE_PARAMS,
): CompareNamesResult {
  const s = schemaFromString(schema);
  const best = compareNormalisedSets(normaliseAlternatives(name1, s), normaliseAlternatives(name2, s), params);
  const cmp = best?.cmp ?? { score: 0, matches: [], unmatchedA: [], unmatchedB: [], notes: [] };
  return {
    score: cmp.score,
    explanation: {
      name1,
      name2,
      comparedAs: [best?.a.tokens.map((t) => t.raw).join(' ') ?? '', best?.b.tokens.map((t) => t.raw).join(' ') ?? ''],
      matches: cmp.matches,
      unmatched1: cmp.unmatchedA,
      unmatched2: cmp.unmatchedB,
      notes: cmp.notes,
    },
  };
}

// ---------------------------------------------------------------- screening queries

export interface ScreeningQuery {
  name: string;
  /** ISO date, "YYYY", "YYYY-MM", "10 Dec 1948"... */
  dob?: string;
  /** Nationality (or, for an organisation, its country): ISO alpha-2 or a name. */
  country?: string;
  /** Country of residence (an address): ISO alpha-2 or a name. Not a nationality: a weak signal only. */
  residenceCountry?: string;
  kind?: EntityKind;
  /** Identifiers; "IMO 9187629", "MMSI 572469210", "LEI …", "call sign …" are read as strong identifiers. */
  identifiers?: string[];
  /** A vessel's IMO number (decisive when equal, clears a similar name when different). */
  imo?: string;
  mmsi?: string;
  /** Former names (a vessel's "ex-" names, a company's previous names): screened like the current name. */
  formerNames?: string[];
}

/** Effect of a company identifier that differs from the listed one of the same kind, unless the policy sets one. */
export const DEFAULT_IDENTIFIER_MISMATCH = -0.3;

export interface PreparedQuery {
  query: ScreeningQuery;
  schema: NameSchema;
  names: NormalisedName[];
  dob?: PartialDate;
  country?: string;
  residenceCountry?: string;
  identifiers: string[];
  strongIds: StrongIdentifier[];
}

export function normaliseIdentifier(v: string): string {
  return v.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The strong identifiers a query is screened with (its `identifiers`, `imo` and `mmsi`): what finds an entry by number. */
export function queryStrongIds(q: Pick<ScreeningQuery, 'identifiers' | 'imo' | 'mmsi'>): StrongIdentifier[] {
  return [...(q.identifiers ?? []), ...(q.imo ? [`IMO ${q.imo}`] : []), ...(q.mmsi ? [`MMSI ${q.mmsi}`] : [])]
    .map(parseQueryIdentifier)
    .filter((x): x is StrongIdentifier => x !== undefined);
}

export function prepareQuery(q: ScreeningQuery): PreparedQuery {
  const schema: NameSchema = q.kind ? (q.kind as NameSchema) : 'unknown';
  const strongIds = queryStrongIds(q);
  const names = [q.name, ...(q.formerNames ?? [])].filter((n) => n.trim().length > 0);
  const p: PreparedQuery = {
    query: q,
    schema,
    names: names.flatMap((n) => normaliseAlternatives(n, schema === 'unknown' ? 'person' : schema)),
    identifiers: (q.identifiers ?? []).map(normaliseIdentifier).filter((x) => x.length >= 4),
    strongIds,
  };
  if (schema === 'unknown') {
    // without a kind, also read the name as an organisation (legal forms, org terms)
    p.names.push(...names.flatMap((n) => normaliseAlternatives(n, 'organisation')));
  }
  const dob = q.dob ? parsePartialDate(q.dob) : undefined;
  if (dob) p.dob = dob;
  const c = countryCode(q.country);
  if (c) p.country = c;
  const r = countryCode(q.residenceCountry);
  if (r) p.residenceCountry = r;
  return p;
}

/** One corroborating fact compared: the lead's value, the listed value, and how it moved the hit. */
export interface FieldEffect {
  field: 'dob' | 'nationality' | 'residence' | 'country' | 'identifier';
  outcome: 'agree' | 'partial' | 'disagree';
  query: string;
  listed: string;
  /** Added to the hit's priority score. */
  effect: number;
  /** A hard contradiction (complete dates of birth further apart than the policy's bound). */
  hard: boolean;
  /** Whether this fact was allowed to take a name match below review: a hard contradiction on a list the policy names. */
  mayClear: boolean;
  /** An equal IMO / MMSI / LEI: the hit is reviewed whatever the names (a renamed ship, a translated company name). */
  decisive: boolean;
}

export interface ScreeningHit {
  listId: string;
  entryId: string;
  kind: EntityKind;
  isSanctioned: boolean;
  isPep: boolean;
  programs: string[];
  matchedName: string;
  matchedNameType: NameType;
  nameScore: number;
  score: number;
  isMatch: boolean;
  tokens: NameComparison['matches'];
  unmatchedQueryTokens: string[];
  unmatchedListedTokens: string[];
  notes: string[];
  corroboration: FieldEffect[];
  /** What the screening policy concluded for this hit, and why. */
  disposition: HitDisposition;
  source: ScreeningEntity['source'];
  /** Under the policy's ownership rule: the listed owners, their stakes and chains (absent otherwise). */
  ownership?: OwnershipExplanation;
  /** The entry is not listed itself; it is screened because listed parties own it (`ownership` says how). */
  derived?: ScreeningEntity['derived'];
}

const DOB_RANK: Record<DobComparison, number> = { exact: 3, compatible: 2, near: 1, mismatch: 0 };

const fact = (f: Omit<FieldEffect, 'hard' | 'mayClear' | 'decisive'>, hard = false, mayClear = false, decisive = false): FieldEffect => ({
  ...f,
  hard,
  mayClear,
  decisive,
});

/**
 * Strong identifiers of one kind on both sides: equal is decisive (IMO, MMSI, LEI) or corroborating (call sign);
 * different IMO / MMSI numbers are a different ship (hard, clears the hit), a different LEI a different company.
 */
function strongIdentifierEffects(q: PreparedQuery, e: ScreeningEntity, w: CorroborationWeights): FieldEffect[] {
  const listed = e.identifiers.map((i) => strongIdentifierOf(i.type, i.value)).filter((x): x is StrongIdentifier => x !== undefined);
  const effects: FieldEffect[] = [];
  for (const kind of new Set(q.strongIds.map((i) => i.kind))) {
    const mine = q.strongIds.filter((i) => i.kind === kind);
    const theirs = listed.filter((i) => i.kind === kind);
    if (theirs.length === 0) continue;
    const query = mine.map(formatStrongIdentifier).join(', ');
    const same = theirs.find((t) => mine.some((m) => m.value === t.value));
    const decisive = DECISIVE_KINDS.includes(kind);
    if (same) {
      const f = { field: 'identifier', outcome: 'agree', query, listed: formatStrongIdentifier(same), effect: w.identifierMatch } as const;
      effects.push(fact(f, false, false, decisive));
    } else if (kind !== 'call_sign') {
      // call signs are reassigned when a ship changes flag: a different one proves nothing
      const ship = kind === 'imo' || kind === 'mmsi';
      const listedIds = theirs.map(formatStrongIdentifier).join(', ');
      const effect = w.identifierMismatch ?? DEFAULT_IDENTIFIER_MISMATCH;
      effects.push(fact({ field: 'identifier', outcome: 'disagree', query, listed: listedIds, effect }, ship, ship));
    }
  }
  return effects;
}

/** Compares DOB / nationality / residence / identifier facts of the query with the entity's (docs/screening.md). */
export function corroborate(q: PreparedQuery, e: ScreeningEntity, policy: CorroborationPolicy = DEFAULT_SCREENING_POLICY): FieldEffect[] {
  const w = policy.corroboration;
  const effects: FieldEffect[] = [];
  if (q.dob && e.dobs.length > 0) {
    let best: { c: DobComparison; s: string } | undefined;
    for (const d of e.dobs) {
      const c = compareDob(q.dob, d);
      if (!best || DOB_RANK[c] > DOB_RANK[best.c]) best = { c, s: formatBirthDate(d) };
    }
    if (best) {
      const qd = formatPartialDate(q.dob);
      const effect =
        best.c === 'exact' ? w.dobExact : best.c === 'compatible' ? w.dobCompatible : best.c === 'near' ? w.dobNear : w.dobMismatch;
      const outcome = best.c === 'exact' ? 'agree' : best.c === 'compatible' ? 'partial' : 'disagree';
      const dob = q.dob;
      const { dobYearsApart, mayClearLists } = policy.hardContradiction;
      const hard = best.c === 'mismatch' && e.dobs.every((d) => fullDatesMoreThanYearsApart(dob, d, dobYearsApart));
      effects.push(fact({ field: 'dob', outcome, query: qd, listed: best.s, effect }, hard, hard && mayClearLists.includes(e.listId)));
    }
  }
  const country = q.country;
  if (country) {
    if (e.nationalities.includes(country) || e.countries.includes(country)) {
      effects.push(fact({ field: 'nationality', outcome: 'agree', query: country, listed: country, effect: w.nationalityMatch }));
    } else if (e.nationalities.length > 0) {
      const listed = e.nationalities.join(',');
      effects.push(fact({ field: 'nationality', outcome: 'disagree', query: country, listed, effect: w.nationalityMismatch }));
    } else if (e.countries.length > 0 && e.kind !== 'person') {
      const listed = e.countries.join(',');
      effects.push(fact({ field: 'country', outcome: 'disagree', query: country, listed, effect: w.countryMismatch }));
    }
  }
  if (q.residenceCountry) {
    const listed = [...new Set([...e.nationalities, ...e.countries])];
    if (listed.length > 0) {
      const agree = listed.includes(q.residenceCountry);
      const effect = agree ? w.residenceMatch : w.residenceMismatch;
      const outcome = agree ? 'agree' : 'disagree';
      effects.push(fact({ field: 'residence', outcome, query: q.residenceCountry, listed: listed.join(','), effect }));
    }
  }
  const strong = q.strongIds.length > 0 ? strongIdentifierEffects(q, e, w) : [];
  effects.push(...strong);
  if (q.identifiers.length > 0 && !strong.some((f) => f.outcome === 'agree')) {
    for (const id of e.identifiers) {
      const v = normaliseIdentifier(id.value);
      if (v.length >= 4 && q.identifiers.includes(v)) {
        const listed = `${id.type} ${id.value}`;
        effects.push(fact({ field: 'identifier', outcome: 'agree', query: v, listed, effect: w.identifierMatch }));
        break;
      }
    }
  }
  return effects;
}

export function kindsCompatible(q: NameSchema, e: EntityKind): boolean {
  if (q === 'unknown' || e === 'unknown') return true;
  if (q === 'person') return e === 'person';
  return e !== 'person';
}

/** Priority score = nameFactor · nameScore + Σ corroboration effects, clamped to [0,1]. It orders hits; it never clears one. */
export function finalScore(nameScore: number, effects: readonly FieldEffect[], w: CorroborationWeights = DEFAULT_CORROBORATION): number {
  let s = nameScore * w.nameFactor;
  for (const f of effects) s += f.effect;
  return round(Math.min(1, Math.max(0, s)));
}

export { round };
