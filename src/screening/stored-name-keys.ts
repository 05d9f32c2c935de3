/**
 * Delta re-screening over stored name keys (docs/screening.md "Delta re-screening"): each lead's screened names are
 * reduced at intake to the 32-bit hashes of the same index keys the list index uses (subjectKeyHashes), and stored.
 * A list delta then asks the store which leads hold its entries' keys (two look-ups: counts, then postings) and
 * credits each lead as SubjectIndex.subjectsFor does, per lead rather than per name: a superset, never fewer
 * candidates. A lead's decisive identifiers (IMO, IMO company number, MMSI, LEI) are stored beside them as hashes of
 * their own keys: an entry listing an equal one names the lead a candidate whatever the names, as the list index finds
 * an entry by its identifier at intake. Pure: the caller does the look-ups.
 */
import { nameKeys } from './name-index.ts';
import { normaliseAlternatives } from './matcher.ts';
import type { NameSchema, NormalisedName } from './name-normaliser.ts';
import type { EntityKind, ScreeningEntity } from './screening-entity.ts';
import { decisiveIdentifiersOf, identifierKey, isDecisive, type StrongIdentifier } from './strong-identifier.ts';
import { keyHash } from './subject-index.ts';

/** Same rule as NameIndex.candidates and SubjectIndex: a lead must earn this share of the entry name's token weight. */
const MIN_SHARE = 0.45;
/** Fuzzy keys (deletions, phonetic, skeleton) held by more leads than this are skipped. */
const MAX_FUZZY_POSTINGS = 2000;
/** A token held by more leads than this is skipped when the name has a rarer one. */
const MAX_EXACT_POSTINGS = 8000;

/** The distinct key hashes of a lead's screened names (what the store keeps for it). */
export function subjectKeyHashes(names: readonly NormalisedName[]): number[] {
  const out = new Set<number>();
  for (const n of names) for (const tk of nameKeys(n, false)) for (const [k] of tk) out.add(keyHash(k));
  return [...out];
}

interface PlannedKey {
  readonly hash: number;
  readonly factor: number;
  /** A token or joined-token key: never skipped for its size. */
  readonly exact: boolean;
}

/** One list-entry name as a key look-up: per token, its weight and keys. */
export interface KeyLookupPlan {
  readonly tokens: readonly { readonly weight: number; readonly keys: readonly PlannedKey[] }[];
}

export function keyLookupPlan(query: NormalisedName): KeyLookupPlan {
  return {
    tokens: nameKeys(query, true).map((keys, ti) => ({
      weight: query.tokens[ti]!.weight,
      keys: keys.map(([k, factor]) => ({ hash: keyHash(k), factor, exact: k[0] === 't' })),
    })),
  };
}

/** A person entry is looked up as a person; any other as an organisation and, for a ship, also as a vessel. */
function lookupSchemas(kind: EntityKind): readonly NameSchema[] {
  if (kind === 'person') return ['person'];
  return kind === 'vessel' ? ['organisation', 'vessel'] : ['organisation'];
}

/** The look-up plans of list entries' names: each name, in each reading, in each normalised alternative. */
export function entryLookupPlans(entries: readonly Pick<ScreeningEntity, 'kind' | 'names'>[]): KeyLookupPlan[] {
  return entries.flatMap((e) =>
    e.names.flatMap((n) => lookupSchemas(e.kind).flatMap((schema) => normaliseAlternatives(n.value, schema).map(keyLookupPlan))),
  );
}

/** Every hash the plans may read: ask the store how many leads hold each. */
export function planHashes(plans: readonly KeyLookupPlan[]): number[] {
  const out = new Set<number>();
  for (const p of plans) for (const t of p.tokens) for (const k of t.keys) out.add(k.hash);
  return [...out];
}

/** The tokens that count (a very common token is skipped when the name has a rarer one), as NameIndex.candidates. */
function countedTokens(plan: KeyLookupPlan, counts: ReadonlyMap<number, number>): KeyLookupPlan['tokens'] {
  const size = (t: KeyLookupPlan['tokens'][number]) => counts.get(t.keys[0]?.hash ?? -1) ?? 0;
  const hasRare = plan.tokens.some((t) => t.keys.length > 0 && size(t) <= MAX_EXACT_POSTINGS);
  return plan.tokens.filter((t) => t.keys.length > 0 && !(hasRare && size(t) > MAX_EXACT_POSTINGS));
}

const usable = (k: PlannedKey, counts: ReadonlyMap<number, number>): boolean =>
  (counts.get(k.hash) ?? 0) > 0 && (k.exact || (counts.get(k.hash) ?? 0) <= MAX_FUZZY_POSTINGS);

/** The hashes whose postings (leads) are worth reading, given the counts. */
export function hashesToRead(plans: readonly KeyLookupPlan[], counts: ReadonlyMap<number, number>): number[] {
  const out = new Set<number>();
  for (const p of plans) for (const t of countedTokens(p, counts)) for (const k of t.keys) if (usable(k, counts)) out.add(k.hash);
  return [...out];
}

/** Leads that earn enough of one plan's token weight to be screened in full. */
export function creditedLeads(
  plan: KeyLookupPlan,
  counts: ReadonlyMap<number, number>,
  postings: ReadonlyMap<number, readonly string[]>,
): string[] {
  const tokens = countedTokens(plan, counts);
  const total = tokens.reduce((s, t) => s + t.weight, 0);
  if (total === 0) return [];
  const credit = new Map<string, number>();
  for (const t of tokens) {
    const best = new Map<string, number>();
    for (const k of t.keys) {
      if (!usable(k, counts)) continue;
      for (const lead of postings.get(k.hash) ?? []) best.set(lead, Math.max(best.get(lead) ?? 0, t.weight * k.factor));
    }
    for (const [lead, c] of best) credit.set(lead, (credit.get(lead) ?? 0) + c);
  }
  return [...credit].filter(([, c]) => c >= total * MIN_SHARE).map(([lead]) => lead);
}

/**
 * The stored hash of a decisive identifier. The `id:` prefix keeps it apart from every name key (those start with one
 * letter and a colon), so a lead's identifier never counts as a name key's posting except by a hash collision, which
 * only adds a candidate.
 */
const identifierKeyHash = (id: StrongIdentifier): number => keyHash(`id:${identifierKey(id)}`);

/** The hashes stored for a lead's identifiers: only decisive ones (a call sign or registration number finds nothing). */
export function subjectIdentifierHashes(ids: readonly StrongIdentifier[]): number[] {
  return [...new Set(ids.filter(isDecisive).map(identifierKeyHash))];
}

/** The identifier hashes of list entries: every lead holding one is a candidate, however many hold it. */
export function entryIdentifierHashes(entries: readonly Pick<ScreeningEntity, 'identifiers'>[]): number[] {
  return [...new Set(entries.flatMap((e) => decisiveIdentifiersOf(e.identifiers).map(identifierKeyHash)))];
}

/**
 * The delta's candidates from the store's answers: the leads earning enough of some entry name's weight (creditedLeads)
 * and every lead holding one of the entries' identifier hashes, however many hold it (each would be held by intake).
 * `postings` must hold the postings of hashesToRead(plans, counts) and of every identifier hash.
 */
export function deltaCandidates(
  plans: readonly KeyLookupPlan[],
  identifierHashes: readonly number[],
  counts: ReadonlyMap<number, number>,
  postings: ReadonlyMap<number, readonly string[]>,
): string[] {
  const candidates = new Set<string>();
  for (const p of plans) for (const l of creditedLeads(p, counts, postings)) candidates.add(l);
  for (const h of identifierHashes) for (const l of postings.get(h) ?? []) candidates.add(l);
  return [...candidates].sort();
}
