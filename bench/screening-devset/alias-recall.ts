/**
 * Recall by list identity of one scorer over the lists' same-entity pairs, and the pairs gained and lost against a
 * base scorer: a pair counts when its score is at or above the threshold (the matcher's pair line, 0.8).
 */
import type { AliasPair } from './alias-pairs.ts';

export type PairScorer = (schema: string, name1: string, name2: string) => number;

export interface RecallCount {
  pairs: number;
  matched: number;
}

export interface ScoredPair extends AliasPair {
  base: number;
  score: number;
}

export interface AliasRecallReport {
  threshold: number;
  overall: RecallCount;
  /** Keyed `list schema`, sorted. */
  byGroup: Record<string, RecallCount>;
  /** With a base scorer: the base's own counts and the pairs that crossed the threshold either way. */
  base?: { overall: RecallCount; byGroup: Record<string, RecallCount>; gained: number; lost: number };
  /** The first `examples` gained / lost pairs, in pair order. */
  gained: ScoredPair[];
  lost: ScoredPair[];
}

function tally(into: Map<string, RecallCount>, key: string, hit: boolean): void {
  const c = into.get(key) ?? { pairs: 0, matched: 0 };
  c.pairs++;
  if (hit) c.matched++;
  into.set(key, c);
}

function sorted(groups: Map<string, RecallCount>): Record<string, RecallCount> {
  return Object.fromEntries([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sum = (groups: Map<string, RecallCount>): RecallCount =>
  [...groups.values()].reduce((t, c) => ({ pairs: t.pairs + c.pairs, matched: t.matched + c.matched }), { pairs: 0, matched: 0 });

export function aliasRecall(
  pairs: readonly AliasPair[],
  score: PairScorer,
  options: { threshold: number; base?: PairScorer; examples?: number },
): AliasRecallReport {
  const { threshold, base, examples = 10 } = options;
  const mine = new Map<string, RecallCount>();
  const theirs = new Map<string, RecallCount>();
  const gained: ScoredPair[] = [];
  const lost: ScoredPair[] = [];
  let nGained = 0;
  let nLost = 0;
  for (const p of pairs) {
    const key = `${p.list} ${p.schema}`;
    const s = score(p.schema, p.name1, p.name2);
    tally(mine, key, s >= threshold);
    if (!base) continue;
    const b = base(p.schema, p.name1, p.name2);
    tally(theirs, key, b >= threshold);
    if (s >= threshold && b < threshold) {
      nGained++;
      if (gained.length < examples) gained.push({ ...p, base: b, score: s });
    } else if (b >= threshold && s < threshold) {
      nLost++;
      if (lost.length < examples) lost.push({ ...p, base: b, score: s });
    }
  }
  return {
    threshold,
    overall: sum(mine),
    byGroup: sorted(mine),
    ...(base ? { base: { overall: sum(theirs), byGroup: sorted(theirs), gained: nGained, lost: nLost } } : {}),
    gained,
    lost,
  };
}
