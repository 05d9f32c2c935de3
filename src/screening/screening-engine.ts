/** Screening over an index: candidates -> full name comparison -> corroboration -> explained hits. */
import { compareNormalised, round, type NameCompareParams } from './name-compare.ts';
import { nameScoreBound, TokenPairMemo } from './name-score-bound.ts';
import { EntityGate, gateContext, isShown, type GateContext } from './hit-gate.ts';
import { screeningCompareParams } from './screening-compare-params.ts';
import type { NameIndex } from './name-index.ts';
import { finalScore, kindsCompatible, prepareQuery, type CorroborationWeights, type ScreeningHit, type ScreeningQuery } from './matcher.ts';
import { DISPOSITION_RANK, disposeHit, type HitDisposition } from './hit-disposition.ts';
import { ownershipByListedParties, ownershipNote, type OwnershipExplanation } from './ownership.ts';
import type { ScreeningEntity } from './screening-entity.ts';
import { DEFAULT_SCREENING_POLICY, type ScreeningPolicy } from '../domain/org/screening-policy.schema.ts';

export interface ScreenOptions {
  /** The screening policy (review line, weights, hard contradictions); default DEFAULT_SCREENING_POLICY. */
  policy?: ScreeningPolicy;
  /** Overrides the policy's review threshold (CLI, benchmarks). */
  threshold?: number;
  /** Hits the policy clears are dropped when their priority score is below this (default: the threshold). */
  minScore?: number;
  /** Maximum hits returned (best first). */
  limit?: number;
  /** Restrict to these list ids. */
  lists?: string[];
  /** Overrides the policy's name-comparison parameters (`policy.nameCompare` over the screening defaults). */
  params?: NameCompareParams;
  /** Overrides the policy's corroboration weights. */
  corroboration?: CorroborationWeights;
  maxCandidates?: number;
  /**
   * Compare every candidate name in full. By default a name whose score bound (name-score-bound.ts) can neither show
   * a hit nor beat the entity's best name so far is skipped: the same hits either way (tests compare both).
   */
  exhaustive?: boolean;
}

export interface ScreenResult {
  query: ScreeningQuery;
  threshold: number;
  bestScore: number;
  /** Some hit needs review (disposition escalated or review). */
  isMatch: boolean;
  hits: ScreeningHit[];
  /** Names fully compared / names touched by the index (diagnostics). */
  stats: { candidates: number; touched: number };
}

/**
 * The policy's ownership rule on one entity (docs/screening.md "Ownership"): the explanation when it is on and the
 * entity's listed owners reach the threshold; `skip` for a derived entry (not listed itself) the rule does not hold.
 */
function ownershipOf(e: ScreeningEntity, policy: ScreeningPolicy): { skip: boolean; explanation?: OwnershipExplanation } {
  const rule = policy.ownership?.aggregateHold;
  const explanation = rule?.enabled && e.ownership ? ownershipByListedParties(e.entryId, e.ownership, rule.thresholdPercent) : undefined;
  return { skip: e.derived !== undefined && explanation === undefined, ...(explanation ? { explanation } : {}) };
}

/** A derived entry's hit that needs review is held for its owners: the reason says so. */
function ownedDisposition(d: HitDisposition, e: ScreeningEntity): HitDisposition {
  return e.derived && d.kind !== 'clear' ? { ...d, reasonCode: 'OWNED_BY_LISTED_PARTIES' } : d;
}

type Best = Map<number, { nameId: number; score: number; cmp: ReturnType<typeof compareNormalised> }>;
/** Entities met in this screening, in the order they were first met (the order hits are built in), with their facts. */
type Gates = Map<number, EntityGate>;

/** An equal IMO / MMSI / LEI finds the entry whatever its name (a renamed ship, a company name in another language). */
function addIdentifierCandidates(
  index: NameIndex,
  q: ReturnType<typeof prepareQuery>,
  best: Best,
  gates: Gates,
  context: GateContext,
  params: NameCompareParams,
  lists: string[] | undefined,
): number {
  const qn = q.names[0];
  if (!qn) return 0;
  let added = 0;
  for (const sid of q.strongIds) {
    for (const id of index.namesWithIdentifier(sid)) {
      const n = index.names[id]!;
      if (gates.has(n.entity)) continue;
      const e = index.entities[n.entity]!;
      if (lists && !lists.includes(e.listId)) continue;
      added++;
      const cmp = compareNormalised(qn, n.norm, params);
      gates.set(n.entity, new EntityGate(context, e));
      best.set(n.entity, { nameId: id, score: cmp.score, cmp });
    }
  }
  return added;
}

/**
 * The index's candidates for each query name, compared in full into `best` (per entity, its best name so far), the
 * entities met recorded in `gates` in the order first met. Unless `exhaustive`, a name is skipped when it cannot beat
 * the entity's best so far or its best possible score shows no hit: then either no name of the entity shows one, or
 * the one that does scores above this name's bound (hit-gate.ts). Returns the names compared (skipped ones included,
 * as before the bound) and touched.
 */
function compareCandidates(
  index: NameIndex,
  context: GateContext,
  params: NameCompareParams,
  options: ScreenOptions,
  best: Best,
  gates: Gates,
): { candidates: number; touched: number } {
  const { q, policy } = context;
  const weakAliasFactor = policy.corroboration.weakAliasFactor;
  let candidates = 0;
  let touched = 0;
  const memo = new TokenPairMemo(params.minTokenSim);
  for (const qn of q.names) {
    const res = index.candidates(qn, options.maxCandidates ? { maxCandidates: options.maxCandidates } : {});
    touched += res.touched;
    for (const id of res.nameIds) {
      const n = index.names[id]!;
      const e = index.entities[n.entity]!;
      if (!kindsCompatible(q.schema, e.kind)) continue;
      if (options.lists && !options.lists.includes(e.listId)) continue;
      candidates++;
      let gate = gates.get(n.entity);
      if (!gate) gates.set(n.entity, (gate = new EntityGate(context, e)));
      const prev = best.get(n.entity);
      const factor = n.type === 'weak_aka' ? weakAliasFactor : 1;
      if (options.exhaustive !== true) {
        const bound = nameScoreBound(qn, n.norm, params, memo) * factor;
        if ((prev && bound <= prev.score) || !gate.wouldShow(bound)) continue;
      }
      const cmp = compareNormalised(qn, n.norm, params);
      const s = cmp.score * factor;
      if (!prev || s > prev.score) best.set(n.entity, { nameId: id, score: s, cmp });
    }
  }
  return { candidates, touched };
}

export function screenIndex(index: NameIndex, query: ScreeningQuery, options: ScreenOptions = {}): ScreenResult {
  const base = options.policy ?? DEFAULT_SCREENING_POLICY;
  const policy: ScreeningPolicy = {
    ...base,
    ...(options.threshold !== undefined ? { reviewThreshold: options.threshold } : {}),
    ...(options.corroboration ? { corroboration: options.corroboration } : {}),
  };
  const threshold = policy.reviewThreshold;
  const minScore = options.minScore ?? threshold;
  const params = options.params ?? screeningCompareParams(base);
  const weights = policy.corroboration;
  const q = prepareQuery(query);
  const best: Best = new Map();
  const gates: Gates = new Map();
  const context = gateContext(q, policy, minScore);
  const work = compareCandidates(index, context, params, options, best, gates);
  const touched = work.touched;
  let candidates = work.candidates;
  candidates += addIdentifierCandidates(index, q, best, gates, context, params, options.lists);
  const hits: ScreeningHit[] = [];
  for (const [ei, gate] of gates) {
    const b = best.get(ei);
    if (!b) continue;
    const e = index.entities[ei]!;
    const owned = e.ownership ? ownershipOf(e, policy) : undefined;
    if (owned?.skip) continue;
    const n = index.names[b.nameId]!;
    const effects = gate.effects;
    // A weak alias is a weaker name: its discount belongs to the name score the review rule reads.
    const nameScore = round(b.score);
    const weakAliasNote = `weak alias: name score ${b.cmp.score} × ${weights.weakAliasFactor}`;
    const nameNotes = n.type === 'weak_aka' ? [...b.cmp.notes, weakAliasNote] : b.cmp.notes;
    const notes = owned?.explanation ? [...nameNotes, ownershipNote(owned.explanation)] : nameNotes;
    const score = finalScore(nameScore, effects, weights);
    const disposition = ownedDisposition(disposeHit(nameScore, effects, score, policy), e);
    // Hits the policy cleared only because of a hard contradiction stay visible: the record shows why.
    if (!isShown(disposition, score, minScore)) continue;
    hits.push({
      listId: e.listId,
      entryId: e.entryId,
      kind: e.kind,
      // An entity owned ≥ the threshold by blocked persons is blocked itself (OFAC): a sanctions hit.
      isSanctioned: e.isSanctioned || owned?.explanation !== undefined,
      isPep: e.isPep,
      programs: e.programs,
      matchedName: n.value,
      matchedNameType: n.type,
      nameScore,
      score,
      isMatch: disposition.kind !== 'clear',
      tokens: b.cmp.matches,
      unmatchedQueryTokens: b.cmp.unmatchedA,
      unmatchedListedTokens: b.cmp.unmatchedB,
      notes,
      corroboration: effects,
      disposition,
      source: e.source,
      ...(owned?.explanation ? { ownership: owned.explanation } : {}),
      ...(e.derived ? { derived: e.derived } : {}),
    });
  }
  // Review order: escalated, then review, then cleared; within each, by priority score.
  hits.sort(
    (a, b) =>
      DISPOSITION_RANK[b.disposition.kind] - DISPOSITION_RANK[a.disposition.kind] ||
      b.score - a.score ||
      a.listId.localeCompare(b.listId) ||
      a.entryId.localeCompare(b.entryId),
  );
  const limited = options.limit !== undefined ? hits.slice(0, options.limit) : hits;
  const bestScore = limited.reduce((m, h) => Math.max(m, h.score), 0);
  return { query, threshold, bestScore, isMatch: limited.some((h) => h.isMatch), hits: limited, stats: { candidates, touched } };
}
