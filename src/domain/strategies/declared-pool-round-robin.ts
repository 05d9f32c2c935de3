import type { CompiledPool } from '../org/compiled-entities.ts';
import { PoolMembership, type PoolMember } from './pool-membership.ts';
import type { StrategyStep } from './strategy.ts';
import { chairmanPick, pickNote, TIE_RULE } from './weighted-round-robin.ts';

/**
 * A round-robin step over a declared pool (docs/routing.md "Declared pools"). It only ever narrows: the
 * candidates reaching it are already lawful and available, and of those it keeps the pool's members,
 * less any member whose per-day cap this pool has used up. Among them the chairman rule picks, with the
 * member's pool weight where one is set. When no member is left the step passes and the chain falls
 * through (buildChain ends such a chain with a plain rotation), so a lead is never lost to a pool.
 */
export function declaredPoolRoundRobin(pool: CompiledPool, memberList: readonly PoolMember[]): StrategyStep {
  const membership = new PoolMembership(pool, memberList);
  return {
    kind: 'weighted-round-robin',
    pool: pool.id,
    apply(ctx, candidates) {
      const { inPool, capped, outside, cappedNote } = membership.admit(ctx.state, ctx.at, candidates);
      if (inPool.length === 0)
        return { kind: 'passed', note: `pool ${pool.id}: no member among ${candidates.length} eligible reps can take it${cappedNote}` };
      const p = chairmanPick(ctx.state, pool.id, inPool, membership.weightOf);
      const entries = membership.withDayCounters(ctx.state, ctx.at, inPool, p.candidate.rep.id, p.entries);
      return {
        kind: 'picked',
        candidate: p.candidate,
        note: `${pickNote(p, pool.id)} (${inPool.length} of ${candidates.length} eligible reps are members${cappedNote})`,
        details: {
          pool: pool.id,
          declared: true,
          seq: p.seq,
          ledger: p.rows,
          threshold: p.threshold,
          tieBreak: p.tied.length > 1 ? { tied: p.tied, rule: TIE_RULE, chosen: p.row.rep } : null,
          notMembers: outside,
          capped,
        },
        changes: { pool: pool.id, seq: p.seq, entries },
      };
    },
  };
}
