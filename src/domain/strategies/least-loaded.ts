import type { StrategyStep } from './strategy.ts';

/** Capacity-aware: lowest open leads relative to the rep's cap (or, without a cap, its weight). */
export const leastLoaded = (): StrategyStep => ({
  kind: 'least-loaded',
  apply(ctx, candidates) {
    const ratio = (repId: string, cap: number | undefined, weight: number) => (ctx.state.load(repId)?.open ?? 0) / (cap ?? weight);
    const scored = candidates.map((c) => ({ c, r: ratio(c.rep.id, c.rep.capacity.maxOpenLeads, c.rep.weight) }));
    const min = Math.min(...scored.map((s) => s.r));
    const lowest = scored.filter((s) => s.r === min).map((s) => s.c);
    if (lowest.length === 1) {
      const only = lowest[0]!;
      return { kind: 'picked', candidate: only, note: `least loaded: ${only.rep.id} at ${min.toFixed(3)}` };
    }
    if (lowest.length === candidates.length) return { kind: 'passed', note: `all ${lowest.length} equally loaded (${min.toFixed(3)})` };
    return { kind: 'narrowed', candidates: lowest, note: `${lowest.length} reps tie for least load (${min.toFixed(3)})` };
  },
});
