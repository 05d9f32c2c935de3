import type { LedgerEntry, RepLoad, RoutingStateSnapshot, RoutingStateView, StateChanges } from './routing-state.ts';

/**
 * Mutable routing state for long in-memory runs (benchmarks, simulations): applying a decision's
 * changes costs O(changed entries), where re-building a snapshot would copy whole pools.
 * Same semantics as applyChanges().
 */
export class InMemoryRoutingState implements RoutingStateView {
  private readonly seqs = new Map<string, number>();
  private readonly ledgers = new Map<string, Map<string, LedgerEntry>>();
  private readonly loads = new Map<string, RepLoad>();

  poolSeq(pool: string): number {
    return this.seqs.get(pool) ?? 0;
  }

  ledgerEntry(pool: string, repId: string): LedgerEntry | undefined {
    return this.ledgers.get(pool)?.get(repId);
  }

  load(repId: string): RepLoad | undefined {
    return this.loads.get(repId);
  }

  apply(changes: StateChanges): void {
    if (changes.ledger) {
      const { pool, seq, entries } = changes.ledger;
      this.seqs.set(pool, seq);
      let ledger = this.ledgers.get(pool);
      if (!ledger) this.ledgers.set(pool, (ledger = new Map()));
      // for…in, not Object.entries(): a pool's entries name every candidate, and this runs after every decision.
      for (const repId in entries) ledger.set(repId, entries[repId]!);
    }
    if (changes.load) {
      const { repId, day } = changes.load;
      const prev = this.loads.get(repId);
      this.loads.set(repId, { open: (prev?.open ?? 0) + 1, day, today: prev && prev.day === day ? prev.today + 1 : 1 });
    }
  }

  snapshot(): RoutingStateSnapshot {
    const pools: Record<string, { seq: number; reps: Record<string, LedgerEntry> }> = {};
    for (const [pool, ledger] of this.ledgers) pools[pool] = { seq: this.poolSeq(pool), reps: Object.fromEntries(ledger) };
    return { pools, loads: Object.fromEntries(this.loads) };
  }
}
