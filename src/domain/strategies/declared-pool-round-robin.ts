import type { CompiledPool } from '../org/compiled-entities.ts';
import { zonedParts } from '../shared/zoned-time.ts';
import type { LedgerEntry } from './routing-state.ts';
import type { Candidate, StrategyStep } from './strategy.ts';
import { chairmanPick, pickNote, TIE_RULE } from './weighted-round-robin.ts';

type Member = NonNullable<CompiledPool['members']>[number];

const localDay = (timeZone: string, at: number) => zonedParts(timeZone, at).date;

/** Leads this pool already gave the member on the rep-local `day` (0 on a new day). */
const givenOn = (entry: LedgerEntry | undefined, day: string): number => (entry?.day === day ? (entry.today ?? 0) : 0);

/**
 * A round-robin step over a declared pool (docs/routing.md "Declared pools"). It only ever narrows: the
 * candidates reaching it are already lawful and available, and of those it keeps the pool's members,
 * less any member whose per-day cap this pool has used up. Among them the chairman rule picks, with the
 * member's pool weight where one is set. When no member is left the step passes and the chain falls
 * through (buildChain ends such a chain with a plain rotation), so a lead is never lost to a pool.
 */
export function declaredPoolRoundRobin(pool: CompiledPool, memberList: readonly Member[]): StrategyStep {
  const members = new Map<string, Member>(memberList.map((m) => [m.rep, m]));
  return {
    kind: 'weighted-round-robin',
    pool: pool.id,
    apply(ctx, candidates) {
      const inPool: Candidate[] = [];
      const capped: { rep: string; cap: number; today: number }[] = [];
      for (const c of candidates) {
        const m = members.get(c.rep.id);
        if (!m) continue;
        if (m.cap !== null) {
          const today = givenOn(ctx.state.ledgerEntry(pool.id, c.rep.id), localDay(c.rep.timeZone, ctx.at));
          if (today >= m.cap) {
            capped.push({ rep: c.rep.id, cap: m.cap, today });
            continue;
          }
        }
        inPool.push(c);
      }
      const outside = candidates.length - inPool.length - capped.length;
      const cappedNote = capped.length > 0 ? `, ${capped.length} at their pool cap for today` : '';
      if (inPool.length === 0)
        return { kind: 'passed', note: `pool ${pool.id}: no member among ${candidates.length} eligible reps can take it${cappedNote}` };
      const p = chairmanPick(ctx.state, pool.id, inPool, (c) => members.get(c.rep.id)!.weight ?? c.rep.weight);
      const entries: Record<string, LedgerEntry> = {};
      for (const c of inPool) {
        const prev = ctx.state.ledgerEntry(pool.id, c.rep.id);
        const next = p.entries[c.rep.id]!;
        if (c.rep.id === p.candidate.rep.id) {
          const day = localDay(c.rep.timeZone, ctx.at);
          entries[c.rep.id] = { ...next, day, today: givenOn(prev, day) + 1 };
        } else entries[c.rep.id] = prev?.day !== undefined ? { ...next, day: prev.day, today: prev.today ?? 0 } : next;
      }
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
