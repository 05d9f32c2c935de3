/**
 * Routing state is explicit input and output of a decision, so it can be persisted in the same
 * transaction as the assignment and a decision can be replayed from what it recorded.
 */
export interface LedgerEntry {
  /** Leads assigned to the rep by this pool's round robin. */
  readonly assigned: number;
  /** Leads the rep was entitled to: Σ weight / Σ weights of the eligible set, over every lead it was eligible for. */
  readonly entitled: number;
  /** Pool sequence number of the rep's last assignment (0 = never). */
  readonly lastSeq: number;
  /**
   * Declared pools only (docs/routing.md "Declared pools"): the rep-local day of the member's last lead from
   * this pool and how many the pool gave them that day, for the member's cap. Absent in undeclared pools.
   */
  readonly day?: string;
  readonly today?: number;
}

/**
 * The calibrated position: entitled = assigned, so the rep is exactly level with its weighted target
 * (shortfall 0). A rep with no entry in a pool — a joiner — starts here (docs/routing.md "Joiners").
 */
export const CALIBRATED_START: LedgerEntry = { assigned: 0, entitled: 0, lastSeq: 0 };

export interface RepLoad {
  readonly open: number;
  /** Rep-local calendar day the `today` counter refers to. */
  readonly day: string;
  readonly today: number;
}

export interface RoutingStateView {
  poolSeq(pool: string): number;
  ledgerEntry(pool: string, repId: string): LedgerEntry | undefined;
  load(repId: string): RepLoad | undefined;
}

export interface StateChanges {
  readonly ledger: { readonly pool: string; readonly seq: number; readonly entries: Readonly<Record<string, LedgerEntry>> } | null;
  readonly load: { readonly repId: string; readonly day: string; readonly openDelta: 1; readonly todayDelta: 1 } | null;
}

export const NO_CHANGES: StateChanges = { ledger: null, load: null };

/**
 * An empty record for a pool's new ledger entries, keyed by rep id. Prototype-less: V8 keeps it a dictionary from the
 * start, where a `{}` filled with a different sequence of rep ids every decision walked (and left behind) a new chain
 * of hidden classes each time — the single most expensive line of a weighted round robin. Same keys, values, order
 * and JSON; a rep id such as `__proto__` is an ordinary key here.
 */
export const newLedgerEntries = (): Record<string, LedgerEntry> => Object.create(null) as Record<string, LedgerEntry>;

/** One pool's ledger: its sequence number (assignments made) and each rep's entry. */
export interface PoolLedger {
  readonly seq: number;
  readonly reps: Readonly<Record<string, LedgerEntry>>;
}

/** Plain-object state: what tests, the CLI and replays use; stores implement the same view. */
export interface RoutingStateSnapshot {
  readonly pools: Readonly<Record<string, PoolLedger>>;
  readonly loads: Readonly<Record<string, RepLoad>>;
}

export const EMPTY_STATE: RoutingStateSnapshot = { pools: {}, loads: {} };

export function viewOf(snapshot: RoutingStateSnapshot): RoutingStateView {
  return {
    poolSeq: (pool) => snapshot.pools[pool]?.seq ?? 0,
    ledgerEntry: (pool, repId) => snapshot.pools[pool]?.reps[repId],
    load: (repId) => snapshot.loads[repId],
  };
}

/** Applies a decision's changes, returning a new snapshot (the input is not modified). */
export function applyChanges(snapshot: RoutingStateSnapshot, changes: StateChanges): RoutingStateSnapshot {
  let { pools, loads } = snapshot;
  if (changes.ledger) {
    const { pool, seq, entries } = changes.ledger;
    pools = { ...pools, [pool]: { seq, reps: { ...(pools[pool]?.reps ?? {}), ...entries } } };
  }
  if (changes.load) {
    const { repId, day } = changes.load;
    const prev = loads[repId];
    const today = prev && prev.day === day ? prev.today + 1 : 1;
    loads = { ...loads, [repId]: { open: (prev?.open ?? 0) + 1, day, today } };
  }
  return { pools, loads };
}
