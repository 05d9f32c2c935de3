/** Screening over an index: candidates -> full name comparison -> corroboration -> explained hits. */
import { compareNormalised, DEFAULT_COMPARE_PARAMS, type NameCompareParams } from './name-compare.ts';
import type { NameIndex } from './name-index.ts';
import {
  corroborate,
  DEFAULT_CORROBORATION,
  DEFAULT_THRESHOLD,
  finalScore,
  kindsCompatible,
  prepareQuery,
  round,
  type CorroborationWeights,
  type ScreeningHit,
  type ScreeningQuery,
} from './matcher.ts';

export interface ScreenOptions {
  /** Match threshold for `isMatch` (default DEFAULT_THRESHOLD). */
  threshold?: number;
  /** Hits below this final score are dropped (default: the threshold). */
  minScore?: number;
  /** Maximum hits returned (best first). */
  limit?: number;
  /** Restrict to these list ids. */
  lists?: string[];
  params?: NameCompareParams;
  corroboration?: CorroborationWeights;
  maxCandidates?: number;
}

export interface ScreenResult {
  query: ScreeningQuery;
  threshold: number;
  bestScore: number;
  isMatch: boolean;
  hits: ScreeningHit[];
  /** Names fully compared / names touched by the index (diagnostics). */
  stats: { candidates: number; touched: number };
}

export function screenIndex(index: NameIndex, query: ScreeningQuery, options: ScreenOptions = {}): ScreenResult {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const minScore = options.minScore ?? threshold;
  const params = options.params ?? DEFAULT_COMPARE_PARAMS;
  const weights = options.corroboration ?? DEFAULT_CORROBORATION;
  const q = prepareQuery(query);
  const best = new Map<number, { nameId: number; score: number; cmp: ReturnType<typeof compareNormalised> }>();
  let candidates = 0;
  let touched = 0;
  for (const qn of q.names) {
    const res = index.candidates(qn, options.maxCandidates ? { maxCandidates: options.maxCandidates } : {});
    touched += res.touched;
    for (const id of res.nameIds) {
      const n = index.names[id]!;
      const e = index.entities[n.entity]!;
      if (!kindsCompatible(q.schema, e.kind)) continue;
      if (options.lists && !options.lists.includes(e.listId)) continue;
      candidates++;
      const cmp = compareNormalised(qn, n.norm, params);
      const s = n.type === 'weak_aka' ? cmp.score * weights.weakAliasFactor : cmp.score;
      const prev = best.get(n.entity);
      if (!prev || s > prev.score) best.set(n.entity, { nameId: id, score: s, cmp });
    }
  }
  const hits: ScreeningHit[] = [];
  for (const [ei, b] of best) {
    const e = index.entities[ei]!;
    const n = index.names[b.nameId]!;
    const effects = corroborate(q, e, weights);
    if (n.type === 'weak_aka') {
      effects.unshift({ field: 'alias', outcome: 'weak', query: query.name, listed: n.value, effect: round(b.score - b.cmp.score) });
    }
    const nameScore = b.cmp.score;
    const score = finalScore(nameScore, effects, weights);
    if (score < minScore) continue;
    hits.push({
      listId: e.listId,
      entryId: e.entryId,
      kind: e.kind,
      isSanctioned: e.isSanctioned,
      isPep: e.isPep,
      programs: e.programs,
      matchedName: n.value,
      matchedNameType: n.type,
      nameScore,
      score,
      isMatch: score >= threshold,
      tokens: b.cmp.matches,
      unmatchedQueryTokens: b.cmp.unmatchedA,
      unmatchedListedTokens: b.cmp.unmatchedB,
      notes: b.cmp.notes,
      corroboration: effects,
      source: e.source,
    });
  }
  hits.sort((a, b) => b.score - a.score || a.listId.localeCompare(b.listId) || a.entryId.localeCompare(b.entryId));
  const limited = options.limit !== undefined ? hits.slice(0, options.limit) : hits;
  const bestScore = limited[0]?.score ?? 0;
  return { query, threshold, bestScore, isMatch: bestScore >= threshold, hits: limited, stats: { candidates, touched } };
}
