/**
 * Inverted index over all list names for candidate generation (never a full scan per query).
 * Keys per name token: the token itself (t:), its phonetic key (p:), its single-character deletions
 * (d:, symmetric-deletion neighbourhood: catches one typo - substitution, insertion, deletion, transposition),
 * its consonant skeleton (s:, for Arabic-script queries), and the concatenation of adjacent tokens (t:) for
 * joined/split names. A query collects, per name, the best key credit of each of its tokens; names whose
 * credit reaches a share of the query weight become candidates, best first, capped.
 */
import { decisiveIdentifiersOf, identifierKey, type StrongIdentifier } from './strong-identifier.ts';
import { nameAlternatives, normaliseName, type NameSchema, type NormalisedName, type NameToken } from './name-normaliser.ts';
import { consonantSkeleton } from './phonetic-key.ts';
import { GrowableInts } from './growable-ints.ts';
import { QueryKeyCache, type ResolvedKeys } from './query-key-cache.ts';
import type { EntityKind, NameType, ScreeningEntity } from './screening-entity.ts';

export interface IndexedName {
  entity: number;
  type: NameType;
  value: string;
  norm: NormalisedName;
}

export interface CandidateOptions {
  /** Names returned at most (after ranking by key credit). */
  maxCandidates?: number;
  /** Share of the query token weight a name must reach to be a candidate. */
  minShare?: number;
  /** Fuzzy keys (d:, p:, s:) with more postings than this are skipped. */
  maxFuzzyPostings?: number;
}

export interface CandidateResult {
  nameIds: number[];
  /** Distinct names touched by any key (the work done, for diagnostics/tests). */
  touched: number;
}

/**
 * Candidate generation reads each posting's name slots (stamp, credit, best credit of the token: three typed arrays
 * of the index's size) at scattered places. From this many names the arrays outgrow the processor's caches, and the
 * names of a key are read ahead in chunks of WARM_CHUNK before they are credited (docs/performance.md "Lane scale7").
 */
const WARM_FROM_NAMES = 131_072;
const WARM_CHUNK = 64;

function kindToSchema(k: EntityKind): NameSchema {
  return k;
}

/** A token's raw text without spaces (nameKeys' joined-neighbour keys), without a regular expression when it has none. */
const unspaced = (raw: string): string => (raw.includes(' ') ? raw.replace(/ /g, '') : raw);

function indexable(t: NameToken): boolean {
  return t.kind === 'word' || t.kind === 'number';
}

function deletions(text: string): string[] {
  if (text.length < 4 || text.length > 24) return [];
  const out = new Set<string>();
  for (let i = 0; i < text.length; i++) out.add(text.slice(0, i) + text.slice(i + 1));
  return [...out];
}

/** Keys (with credit factors) for one token. */
function tokenKeys(t: NameToken, forQuery: boolean): [string, number][] {
  const keys: [string, number][] = [[`t:${t.text}`, 1]];
  if (t.kind === 'number') return keys;
  if (t.text.length >= 4) {
    keys.push([`d:${t.text}`, 0.85]);
    for (const d of deletions(t.text)) keys.push([`d:${d}`, 0.8]);
  }
  if (t.phonetic.length >= 2) keys.push([`p:${t.phonetic}`, 0.7]);
  if (!forQuery || t.abjad) {
    const sk = consonantSkeleton(t.text);
    if (sk.length >= 2) keys.push([`s:${sk}`, 0.7]);
  }
  return keys;
}

/** Index keys per token of a name (the subject index over leads uses the same keys, docs/screening.md). */
export function nameKeys(n: NormalisedName, forQuery: boolean): [string, number][][] {
  const toks = n.tokens;
  const useAll = !toks.some(indexable);
  const perToken: [string, number][][] = toks.map((t) => (useAll || indexable(t) ? tokenKeys(t, forQuery) : []));
  // joined neighbours: "abdul rahman" also indexed as "abdulrahman"
  for (let i = 0; i + 1 < toks.length; i++) {
    const joined = toks[i]!.raw.replace(/ /g, '') + toks[i + 1]!.raw.replace(/ /g, '');
    perToken[i]!.push([`t:${joined}`, 1]);
  }
  return perToken;
}

/**
 * One token object per distinct token (a 500,000-entry list repeats "mohammed" tens of thousands of times; each
 * normalisation makes its own objects and strings). Frozen: names share them, so nothing may change one.
 */
class TokenPool {
  private readonly tokens = new Map<string, NameToken>();
  private static readonly NO_LEGAL_FORMS: string[] = Object.freeze([]) as unknown as string[];

  name(n: NormalisedName): NormalisedName {
    return {
      ...n,
      tokens: n.tokens.map((t) => this.token(t)),
      legalForms: n.legalForms.length === 0 ? TokenPool.NO_LEGAL_FORMS : n.legalForms,
    };
  }

  private token(t: NameToken): NameToken {
    // every field, whatever fields a token has (a new one must not merge tokens that differ in it)
    const sig = JSON.stringify(t);
    let shared = this.tokens.get(sig);
    if (!shared) {
      if (t.groups) Object.freeze(t.groups);
      this.tokens.set(sig, (shared = Object.freeze(t)));
    }
    return shared;
  }
}

/**
 * Postings in one flat array (compressed sparse rows): the names of key k are `ids[start[k] .. start[k + 1])`, in
 * ascending name order. One Int32Array per key (a million and more for a 500,000-entry list, mostly deletion keys
 * with one or two names) cost an object header and a separate backing store each.
 */
interface Postings {
  readonly keyOf: Map<string, number>;
  readonly start: Int32Array;
  readonly ids: Int32Array;
}

function packPostings(keyOf: Map<string, number>, pairKeys: GrowableInts, pairNames: GrowableInts): Postings {
  const start = new Int32Array(keyOf.size + 1);
  for (let i = 0; i < pairKeys.length; i++) start[pairKeys.data[i]! + 1]!++;
  for (let k = 0; k < keyOf.size; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyOf.size);
  const ids = new Int32Array(pairKeys.length);
  // pairs arrive in ascending name order, so each key's names stay ascending (the order candidates() credits them in)
  for (let i = 0; i < pairKeys.length; i++) ids[fill[pairKeys.data[i]!]!++] = pairNames.data[i]!;
  return { keyOf, start, ids };
}

/**
 * Everything a built index holds, for the on-disk snapshot (list-snapshot.ts): the names with their normalised forms
 * (the expensive part to rebuild), the keys in key-number order, the flat postings and the identifier look-up.
 */
export interface NameIndexParts {
  readonly names: IndexedName[];
  readonly keyOf: Map<string, number>;
  readonly start: Int32Array;
  readonly ids: Int32Array;
  readonly byIdentifier: Map<string, number[]>;
}

/** The parts are consistent with each other and with the entities (a snapshot that passed its checksum still is checked). */
function partsFit(entities: readonly ScreeningEntity[], p: NameIndexParts): boolean {
  if (p.start.length !== p.keyOf.size + 1 || p.start[0] !== 0 || p.start[p.keyOf.size] !== p.ids.length) return false;
  for (let k = 0; k < p.keyOf.size; k++) if (p.start[k + 1]! < p.start[k]!) return false;
  for (let i = 0; i < p.ids.length; i++) if (p.ids[i]! < 0 || p.ids[i]! >= p.names.length) return false;
  return p.names.every((n) => n.entity >= 0 && n.entity < entities.length);
}

/** Names restored from a snapshot share token objects again, frozen as TokenPool leaves them (identity survives v8.serialize). */
function refreeze(names: readonly IndexedName[]): void {
  for (const n of names) {
    for (const t of n.norm.tokens) {
      if (t.groups) Object.freeze(t.groups);
      Object.freeze(t);
    }
    if (n.norm.legalForms.length === 0) Object.freeze(n.norm.legalForms);
  }
}

export class NameIndex {
  readonly entities: ScreeningEntity[];
  readonly names: IndexedName[];
  private readonly postings: Postings;
  /** "imo:9187629" -> the first indexed name of each entity listing it (IMO, MMSI, LEI: see strong-identifier.ts). */
  private readonly byIdentifier: Map<string, number[]>;
  private readonly credit: Float32Array;
  private readonly tokBest: Float32Array;
  /** The last query token that credited each name; a stamp below the query's first token's is from an earlier query. */
  private readonly stamp: Int32Array;
  private readonly touchedIds: Int32Array;
  private stampCounter = 0;
  private readonly queryKeys: QueryKeyCache;
  /** Whether the per-name slots are read ahead in chunks (lists too big for the slots to stay in cache). */
  private readonly warm: boolean;
  /** The read-ahead's sum, kept so that its loads are not dropped as unused. */
  private warmed = 0;

  private constructor(
    entities: ScreeningEntity[],
    names: IndexedName[],
    postings: Postings,
    byIdentifier: Map<string, number[]>,
    readAhead = names.length >= WARM_FROM_NAMES,
  ) {
    this.entities = entities;
    this.names = names;
    this.postings = postings;
    this.byIdentifier = byIdentifier;
    this.credit = new Float32Array(names.length);
    this.tokBest = new Float32Array(names.length);
    this.stamp = new Int32Array(names.length);
    this.touchedIds = new Int32Array(names.length);
    this.queryKeys = new QueryKeyCache(postings.keyOf, (t) => tokenKeys(t, true));
    this.warm = readAhead;
  }

  /** `readAhead` (tests): read the name slots ahead whatever the size (default: from WARM_FROM_NAMES names). */
  static build(entities: ScreeningEntity[], readAhead?: boolean): NameIndex {
    const names: IndexedName[] = [];
    const shared = new TokenPool();
    const keyOf = new Map<string, number>();
    const pairKeys = new GrowableInts();
    const pairNames = new GrowableInts();
    const byIdentifier = new Map<string, number[]>();
    entities.forEach((e, ei) => {
      const seen = new Set<string>();
      const firstName = names.length;
      for (const n of e.names) {
        for (const alt of nameAlternatives(n.value, kindToSchema(e.kind))) {
          const norm = normaliseName(alt, kindToSchema(e.kind));
          const sig = norm.tokens.map((t) => t.text).join(' ');
          if (!sig || seen.has(sig)) continue;
          seen.add(sig);
          const id = names.length;
          names.push({ entity: ei, type: n.type, value: alt, norm: shared.name(norm) });
          const keys = new Set<string>();
          for (const tk of nameKeys(norm, false)) for (const [k] of tk) keys.add(k);
          for (const k of keys) {
            let kid = keyOf.get(k);
            if (kid === undefined) keyOf.set(k, (kid = keyOf.size));
            pairKeys.push(kid);
            pairNames.push(id);
          }
        }
      }
      if (names.length > firstName)
        for (const id of decisiveIdentifiersOf(e.identifiers)) {
          const key = identifierKey(id);
          const arr = byIdentifier.get(key) ?? [];
          if (!arr.includes(firstName)) arr.push(firstName);
          byIdentifier.set(key, arr);
        }
    });
    return new NameIndex(entities, names, packPostings(keyOf, pairKeys, pairNames), byIdentifier, readAhead);
  }

  /** What a snapshot stores (shared, not copied: the index never changes them). */
  toParts(): NameIndexParts {
    return { names: this.names, ...this.postings, byIdentifier: this.byIdentifier };
  }

  /** An index from a snapshot's parts over the same entities, in the same order; undefined when the parts do not fit. */
  static fromParts(entities: ScreeningEntity[], parts: NameIndexParts): NameIndex | undefined {
    if (!partsFit(entities, parts)) return undefined;
    refreeze(parts.names);
    const postings = { keyOf: parts.keyOf, start: parts.start, ids: parts.ids };
    return new NameIndex(entities, parts.names, postings, parts.byIdentifier);
  }

  /** Names of the entities listing this IMO / MMSI / LEI (one per entity), whatever their names. */
  namesWithIdentifier(id: StrongIdentifier): readonly number[] {
    return this.byIdentifier.get(identifierKey(id)) ?? [];
  }

  get keyCount(): number {
    return this.postings.keyOf.size;
  }

  candidates(query: NormalisedName, opts: CandidateOptions = {}): CandidateResult {
    const maxCandidates = opts.maxCandidates ?? 48;
    const minShare = opts.minShare ?? 0.45;
    const maxFuzzy = opts.maxFuzzyPostings ?? 2000;
    const maxExact = Math.max(maxFuzzy * 4, 5000);
    // the keys of nameKeys(query, true), resolved: each token's own keys (cached across queries), then the key of it
    // joined with the next token; same order and multiplicity, so credits add up exactly as over nameKeys
    const toks = query.tokens;
    const n = toks.length;
    const useAll = !toks.some(indexable);
    const { keyOf, start, ids } = this.postings;
    const own: (ResolvedKeys | undefined)[] = new Array<ResolvedKeys | undefined>(n);
    const joined = new Array<number>(n);
    const exactSize = new Array<number>(n);
    let hasRare = false;
    for (let i = 0; i < n; i++) {
      const t = toks[i]!;
      own[i] = useAll || indexable(t) ? this.queryKeys.of(t) : undefined;
      joined[i] = i + 1 < n ? (keyOf.get(`t:${unspaced(t.raw) + unspaced(toks[i + 1]!.raw)}`) ?? -1) : -1;
      // very common tokens ("mohammed" in a big list) are skipped in candidate generation when the query has rarer
      // tokens: a true match shares those too, and the full comparison still scores every token
      const first = own[i] ? own[i]!.kids[0]! : i + 1 < n ? joined[i]! : -1;
      exactSize[i] = first < 0 ? 0 : start[first + 1]! - start[first]!;
      if ((own[i] !== undefined || i + 1 < n) && exactSize[i]! <= maxExact) hasRare = true;
    }
    const queryBase = this.stampCounter + 1;
    let touched = 0;
    let total = 0;
    for (let ti = 0; ti < n; ti++) {
      const mine = own[ti];
      if (mine === undefined && ti + 1 >= n) continue;
      if (hasRare && exactSize[ti]! > maxExact) continue;
      const w = toks[ti]!.weight;
      total += w;
      const tokStamp = ++this.stampCounter;
      const ownCount = mine ? mine.kids.length : 0;
      const keyCount = ownCount + (ti + 1 < n ? 1 : 0);
      for (let ki = 0; ki < keyCount; ki++) {
        const k = ki < ownCount ? mine!.kids[ki]! : joined[ti]!;
        if (k < 0) continue;
        const from = start[k]!;
        const to = start[k + 1]!;
        if (ki < ownCount && !mine!.exact[ki] && to - from > maxFuzzy) continue;
        const c = w * (ki < ownCount ? mine!.factors[ki]! : 1);
        const step = this.warm ? WARM_CHUNK : to - from;
        for (let part = from; part < to; part += step) {
          const end = Math.min(to, part + step);
          if (this.warm) {
            // read the next names' slots before crediting them (below): independent loads the processor overlaps,
            // where the crediting loop's branches on each slot would wait for one cache miss after another
            let sum = 0;
            for (let i = part; i < end; i++) {
              const id = ids[i]!;
              sum += this.stamp[id]! + this.credit[id]! + this.tokBest[id]!;
            }
            this.warmed = sum;
          }
          for (let i = part; i < end; i++) {
            const id = ids[i]!;
            const st = this.stamp[id]!;
            if (st !== tokStamp) {
              if (st < queryBase) {
                // first key of this query to reach the name
                this.touchedIds[touched++] = id;
                this.credit[id] = c;
              } else this.credit[id]! += c;
              this.stamp[id] = tokStamp;
              this.tokBest[id] = c;
            } else if (c > this.tokBest[id]!) {
              this.credit[id]! += c - this.tokBest[id]!;
              this.tokBest[id] = c;
            }
          }
        }
      }
    }
    if (total === 0) return { nameIds: [], touched: 0 };
    const need = total * minShare;
    const passing: number[] = [];
    for (let i = 0; i < touched; i++) if (this.credit[this.touchedIds[i]!]! >= need) passing.push(this.touchedIds[i]!);
    passing.sort((a, b) => this.credit[b]! - this.credit[a]!);
    return { nameIds: passing.slice(0, maxCandidates), touched };
  }
}
