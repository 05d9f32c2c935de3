import { CALIBRATED_START, newLedgerEntries, type LedgerEntry, type RoutingStateView } from './routing-state.ts';
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

/** What one chairman pick decided, before it is shaped into a step outcome. */
export interface ChairmanPick {
  readonly candidate: Candidate;
  readonly row: LedgerRow;
  readonly rows: readonly LedgerRow[];
  readonly threshold: number;
  /** Reps tied on due-soonest, sorted (one entry or none: no tie). */
  readonly tied: readonly string[];
  readonly seq: number;
  /** Every candidate's next ledger entry (only the winner's assigned and lastSeq move). */
  readonly entries: Record<string, LedgerEntry>;
}

/** The chairman rule over `candidates` in `pool`, each weighted by `weightOf` (a declared pool may override a rep's weight). */
export function chairmanPick(
  state: RoutingStateView,
  pool: string,
  candidates: readonly Candidate[],
  weightOf: (c: Candidate) => number,
): ChairmanPick {
  // Plain loops: this runs over every eligible candidate of every assignment (sums in the same order as before).
  const n = candidates.length;
  const weights: number[] = [];
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const w = weightOf(candidates[i]!);
    weights.push(w);
    totalWeight += w;
  }
  const threshold = n > 1 ? 1 / (2 * n - 2) : 0;
  const rows: LedgerRow[] = [];
  let anyBehind = false;
  for (let i = 0; i < n; i++) {
    const id = candidates[i]!.rep.id;
    // docs/routing.md "Joiners": a rep without an entry starts at the calibrated position, level with its target.
    const prev = state.ledgerEntry(pool, id) ?? CALIBRATED_START;
    const targetShare = weights[i]! / totalWeight;
    const entitled = prev.entitled + targetShare;
    const dueIn = (prev.assigned + 1 - threshold - entitled) / targetShare;
    const shortfall = entitled - prev.assigned;
    if (shortfall >= threshold - EPSILON) anyBehind = true;
    rows.push({ rep: id, weight: weights[i]!, targetShare, assigned: prev.assigned, entitled, shortfall, dueIn, lastSeq: prev.lastSeq });
  }
  // Reps at least `threshold` behind may take the lead; should none be (possible only when the set
  // changes lead by lead), everyone may. Linear scan: the ledger row order stays the candidates' order.
  const floor = threshold - EPSILON;
  let best = -1;
  for (let i = 0; i < n; i++) if ((!anyBehind || rows[i]!.shortfall >= floor) && (best < 0 || before(rows[i]!, rows[best]!))) best = i;
  const row = rows[best]!;
  const tied: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if ((!anyBehind || r.shortfall >= floor) && Math.abs(r.dueIn - row.dueIn) <= EPSILON) tied.push(r.rep);
  }
  if (tied.length > 1) tied.sort();
  const seq = state.poolSeq(pool) + 1;
  const entries = newLedgerEntries();
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    // By rep id, not index: a rep in two candidate teams has two rows, and both entries say it took the lead.
    const won = r.rep === row.rep;
    entries[r.rep] = { assigned: won ? r.assigned + 1 : r.assigned, entitled: r.entitled, lastSeq: won ? seq : r.lastSeq };
  }
  return { candidate: candidates[best] as Candidate, row, rows, threshold, tied, seq, entries };
}

export const TIE_RULE = 'due soonest, then larger shortfall, then least recently assigned, then rep id';

export const pickNote = (p: ChairmanPick, pool: string): string =>
  `due soonest (in ${p.row.dueIn.toFixed(3)} leads), shortfall ${p.row.shortfall.toFixed(3)}, in pool ${pool}`;

export const weightedRoundRobin = (pool: string): StrategyStep => ({
  kind: 'weighted-round-robin',
  pool,
  apply(ctx, candidates) {
    const p = chairmanPick(ctx.state, pool, candidates, (c) => c.rep.weight);
    return {
      kind: 'picked',
      candidate: p.candidate,
      note: pickNote(p, pool),
      details: {
        pool,
        seq: p.seq,
        ledger: p.rows,
        threshold: p.threshold,
        tieBreak: p.tied.length > 1 ? { tied: p.tied, rule: TIE_RULE, chosen: p.row.rep } : null,
      },
      changes: { pool, seq: p.seq, entries: p.entries },
    };
  },
});
