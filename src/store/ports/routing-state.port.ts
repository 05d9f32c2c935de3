import type {
  LedgerEntry,
  PoolLedger,
  RoutingStateSnapshot,
  RoutingStateView,
  StateChanges,
} from '../../domain/strategies/routing-state.ts';

import type { RepPresenceRecord } from './rep-presence.port.ts';

// Routing state: round-robin ledgers per pool and load per rep.

export interface RoutingScope {
  readonly pools: readonly string[];
  readonly repIds: readonly string[];
}

export interface RoutingStateRepository {
  /**
   * Locks the pool rows and rep rows of the scope and returns their state. PostgreSQL: missing
   * rows are inserted first (ON CONFLICT DO NOTHING), then locked with SELECT … FOR UPDATE, pools
   * then reps, each in sorted order. SQLite: the write transaction already excludes every other
   * writer. The view throws when asked about a pool or rep outside the scope. Call inside a
   * transaction, before reading the clock.
   */
  lockScope(scope: RoutingScope): Promise<RoutingStateView>;
  /**
   * lockScope, then the away records of the scope's reps (as RepPresenceRepository.listAway), read once the rep locks
   * are held: a presence change takes the same rep lock, so it is ordered before or after the caller, never in between.
   * PostgreSQL: the locks and the read travel in one round trip (docs/storage.md "Writes sent together").
   */
  lockScopeReadingAway(scope: RoutingScope): Promise<{ readonly state: RoutingStateView; readonly away: readonly RepPresenceRecord[] }>;
  /** Applies a decision's changes with the semantics of the domain's applyChanges(). The scope must be locked. */
  apply(changes: StateChanges): Promise<void>;
  /** Decrements the rep's open load (never below 0). The rep must be locked (lockScope). */
  releaseOpen(repId: string): Promise<void>;
  /**
   * Locks one pool's row (PostgreSQL: created first, then FOR UPDATE, as lockScope does) and returns its whole ledger,
   * for the pool controls (reset, recalibrate). Call inside a transaction.
   */
  lockPool(pool: string): Promise<PoolLedger>;
  /** Replaces the pool's ledger entries with `entries` (reps not named lose theirs); the pool's seq is kept. Lock it first. */
  replacePoolLedger(pool: string, entries: Readonly<Record<string, LedgerEntry>>): Promise<void>;
  /** The whole routing state as the domain's plain snapshot (pools that never assigned and reps never assigned are absent). */
  snapshot(): Promise<RoutingStateSnapshot>;
}
