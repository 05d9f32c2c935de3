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
  readonly lastSeq: number;
}

const ZERO: LedgerEntry = { assigned: 0, entitled: 0, lastSeq: 0 };
// Entitlements are sums of fractions; two shortfalls closer than this are a tie, broken by the rules below.
const EPSILON = 1e-9;

/**
 * Weighted round robin that is exactly fair over time. Each lead, every eligible rep accrues
 * entitlement weight/Σweights; the rep with the largest shortfall (entitled − assigned) takes it.
 * Entitlement accrues only while a rep is eligible, so a new joiner starts level (shortfall 0) and a
 * rep back from out-of-office resumes where they left: neither flooded with catch-up nor starved.
 * Ties: larger shortfall, then fewer assigned, then least recently assigned, then rep id.
 */
/** Does `a` take precedence over `b`? Larger shortfall, then fewer assigned, then least recently assigned, then rep id. */
function before(a: LedgerRow, b: LedgerRow): boolean {
  if (Math.abs(a.shortfall - b.shortfall) > EPSILON) return a.shortfall > b.shortfall;
  if (a.assigned !== b.assigned) return a.assigned < b.assigned;
  if (a.lastSeq !== b.lastSeq) return a.lastSeq < b.lastSeq;
  return a.rep < b.rep;
}

export const weightedRoundRobin = (pool: string): StrategyStep => ({
  kind: 'weighted-round-robin',
  pool,
  apply(ctx, candidates) {
    const totalWeight = candidates.reduce((s, c) => s + c.rep.weight, 0);
    const rows: LedgerRow[] = candidates.map((c) => {
      const prev = ctx.state.ledgerEntry(pool, c.rep.id) ?? ZERO;
      const targetShare = c.rep.weight / totalWeight;
      const entitled = prev.entitled + targetShare;
      return { rep: c.rep.id, weight: c.rep.weight, targetShare, assigned: prev.assigned, entitled, shortfall: entitled - prev.assigned, lastSeq: prev.lastSeq };
    });
    // Linear scan, not a sort: the ledger row order stays the candidates' order for the record.
    let best = 0;
    for (let i = 1; i < rows.length; i++) if (before(rows[i]!, rows[best]!)) best = i;
    const winner = { row: rows[best]!, candidate: candidates[best] as Candidate };
    const tied = rows
      .filter((r) => Math.abs(r.shortfall - winner.row.shortfall) <= EPSILON)
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
      note: `largest shortfall ${winner.row.shortfall.toFixed(3)} in pool ${pool}`,
      details: {
        pool,
        seq,
        ledger: rows,
        tieBreak: tied.length > 1 ? { tied, rule: 'shortfall, then fewest assigned, then least recently assigned, then rep id', chosen: winner.row.rep } : null,
      },
      changes: { pool, seq, entries },
    };
  },
});
