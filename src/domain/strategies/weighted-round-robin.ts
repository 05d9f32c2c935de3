import type { LedgerEntry } from './routing-state.ts';
import type { Candidate, StrategyStep } from './strategy.ts';

export interface LedgerRow {
  readonly rep: string;
  readonly weight: number;
  /** weight / Σ weights of the eligible set for this lead. */
  readonly targetShare: number;
  readonly assigned: number;
  readonly entitled: number;
  /** entitled − assigned, after this lead's entitlement was added and before the pick. */
  readonly shortfall: number;
  /** Leads from now until the rep's entitlement reaches its next due point (assigned + 1 − threshold), at this share. */
  readonly dueIn: number;
  readonly lastSeq: number;
}

const ZERO: LedgerEntry = { assigned: 0, entitled: 0, lastSeq: 0 };
// Entitlements are sums of fractions; values closer than this are equal, and the rules below decide.
const EPSILON = 1e-9;

/**
 * Weighted round robin that is exactly fair over time: the chairman assignment rule (Tijdeman,
 * 1980). Each lead, every eligible rep accrues entitlement weight/Σweights. Among the reps whose
 * shortfall (entitled − assigned) is at least c = 1/(2n − 2) (n = reps in the set), the one whose
 * next lead is due soonest — the fewest leads until entitled reaches assigned + 1 − c — takes it.
 * For a stable set this keeps every rep within 1 − 1/(2n − 2) of its weighted target at every
 * step (a proof, and a property test); taking simply the largest shortfall does not (fast-check
 * found weights 1,9,1,9,9,1 reaching 1.1). Entitlement accrues only while a rep is eligible, so a
 * new joiner starts level and a rep back from out-of-office resumes where they left: neither flooded
 * with catch-up nor starved. Ties: due soonest, then larger shortfall, then least recently assigned,
 * then rep id.
 */
function before(a: LedgerRow, b: LedgerRow): boolean {
  if (Math.abs(a.dueIn - b.dueIn) > EPSILON) return a.dueIn < b.dueIn;
  if (Math.abs(a.shortfall - b.shortfall) > EPSILON) return a.shortfall > b.shortfall;
  if (a.lastSeq !== b.lastSeq) return a.lastSeq < b.lastSeq;
  return a.rep < b.rep;
}

export const weightedRoundRobin = (pool: string): StrategyStep => ({
  kind: 'weighted-round-robin',
  pool,
  apply(ctx, candidates) {
    const totalWeight = candidates.reduce((s, c) => s + c.rep.weight, 0);
    const threshold = candidates.length > 1 ? 1 / (2 * candidates.length - 2) : 0;
    const rows: LedgerRow[] = candidates.map((c) => {
      const prev = ctx.state.ledgerEntry(pool, c.rep.id) ?? ZERO;
      const targetShare = c.rep.weight / totalWeight;
      const entitled = prev.entitled + targetShare;
      const dueIn = (prev.assigned + 1 - threshold - entitled) / targetShare;
      return {
        rep: c.rep.id,
        weight: c.rep.weight,
        targetShare,
        assigned: prev.assigned,
        entitled,
        shortfall: entitled - prev.assigned,
        dueIn,
        lastSeq: prev.lastSeq,
      };
    });
    // Reps at least `threshold` behind may take the lead; should none be (possible only when the set
    // changes lead by lead), everyone may. Linear scan: the ledger row order stays the candidates' order.
    const mayTake = rows.some((r) => r.shortfall >= threshold - EPSILON)
      ? (r: LedgerRow) => r.shortfall >= threshold - EPSILON
      : () => true;
    let best = -1;
    for (let i = 0; i < rows.length; i++) if (mayTake(rows[i]!) && (best < 0 || before(rows[i]!, rows[best]!))) best = i;
    const winner = { row: rows[best]!, candidate: candidates[best] as Candidate };
    const tied = rows
      .filter((r) => mayTake(r) && Math.abs(r.dueIn - winner.row.dueIn) <= EPSILON)
      .map((r) => r.rep)
      .sort();
    const seq = ctx.state.poolSeq(pool) + 1;
    const entries: Record<string, LedgerEntry> = {};
    for (const row of rows) {
      entries[row.rep] =
        row.rep === winner.row.rep
          ? { assigned: row.assigned + 1, entitled: row.entitled, lastSeq: seq }
          : { assigned: row.assigned, entitled: row.entitled, lastSeq: row.lastSeq };
    }
    return {
      kind: 'picked',
      candidate: winner.candidate,
      note: `due soonest (in ${winner.row.dueIn.toFixed(3)} leads), shortfall ${winner.row.shortfall.toFixed(3)}, in pool ${pool}`,
      details: {
        pool,
        seq,
        ledger: rows,
        threshold,
        tieBreak:
          tied.length > 1
            ? { tied, rule: 'due soonest, then larger shortfall, then least recently assigned, then rep id', chosen: winner.row.rep }
            : null,
      },
      changes: { pool, seq, entries },
    };
  },
});
