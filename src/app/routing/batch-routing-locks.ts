import type { PresenceSnapshot } from '../../domain/eligibility/rep-presence.ts';
import type { LedgerEntry, RepLoad, RoutingStateView, StateChanges } from '../../domain/strategies/routing-state.ts';
import type { RoutingScope } from '../../store/ports/routing-state.port.ts';
import { ScopeViolationError } from '../../store/store-errors.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { lockScopeWithPresence, scopeCovers } from './presence-input.ts';

/** What a decision reads under its routing locks. */
export interface LockedScope {
  readonly state: RoutingStateView;
  readonly presence: PresenceSnapshot;
}

/**
 * Issue 18 (lane pgbatch): the routing locks of a routing batch (intake/routing-batch.ts), held from the first lead that
 * takes them to the batch's COMMIT. A lead whose scope the batch already holds reads the routing state without a round
 * trip: the state read with the locks, with the changes of the batch's earlier decisions applied here exactly as the
 * store applies them (`routingState.apply`: the pool's seq and ledger entries replaced, a rep's open count + 1 and its day
 * counter + 1 on the same day, else 1). A lead whose scope is not held yet locks the union of both (one round trip, the
 * locks the transaction already holds granted at once) and reads it afresh: the earlier leads' writes are read back.
 * Presence does not change within the batch (a presence change takes the rep locks the batch holds).
 */
export class BatchRoutingLocks {
  #held: RoutingScope | undefined;
  #read: LockedScope | undefined;
  /** The batch's decisions' changes since `#read`, by pool / `pool\0rep` / rep. */
  #seqs = new Map<string, number>();
  #ledger = new Map<string, LedgerEntry>();
  #loads = new Map<string, RepLoad>();

  /** The routing state and presence of `scope`, locked in `tx` (only when the batch does not hold it yet). */
  async lock(tx: UnitOfWork, scope: RoutingScope): Promise<LockedScope> {
    const held = this.#held;
    if (held === undefined || this.#read === undefined || !scopeCovers(held, scope)) {
      const union = { pools: joined(held?.pools ?? [], scope.pools), repIds: joined(held?.repIds ?? [], scope.repIds) };
      this.#read = await lockScopeWithPresence(tx, union);
      this.#held = union;
      this.#seqs.clear();
      this.#ledger.clear();
      this.#loads.clear();
    }
    return { state: this.#viewOf(scope), presence: presenceOf(this.#read.presence, scope.repIds) };
  }

  /** A decision of the batch recorded `changes` (after `routingState.apply`): later leads read them. */
  applied(changes: StateChanges): void {
    const state = this.#read?.state;
    if (state === undefined) return;
    if (changes.ledger) {
      const { pool, seq, entries } = changes.ledger;
      this.#seqs.set(pool, seq);
      // As the store writes them: when no entry of the change has a day counter, the stored counters stay as they were
      // (the plain upsert does not write them); when one has, every entry's counter is written (none: cleared).
      const counted = Object.values(entries).some((e) => e.day !== undefined);
      for (const [repId, e] of Object.entries(entries)) {
        const key = `${pool}\u0000${repId}`;
        const before = this.#ledger.get(key) ?? state.ledgerEntry(pool, repId);
        const day = !counted && before?.day !== undefined ? { day: before.day, today: before.today ?? 0 } : {};
        const own = e.day !== undefined ? { day: e.day, today: e.today ?? 0 } : day;
        this.#ledger.set(key, { assigned: e.assigned, entitled: e.entitled, lastSeq: e.lastSeq, ...own });
      }
    }
    if (changes.load) {
      const { repId, day } = changes.load;
      const before = this.#loads.get(repId) ?? state.load(repId);
      this.#loads.set(repId, {
        open: (before?.open ?? 0) + 1,
        day,
        today: before !== undefined && before.day === day ? before.today + 1 : 1,
      });
    }
  }

  /** The lead's own scope of the held state, as the store's view of it: reading outside it is a scope violation. */
  #viewOf(scope: RoutingScope): RoutingStateView {
    const base = this.#read!.state;
    const pools = new Set(scope.pools);
    const reps = new Set(scope.repIds);
    const inPool = (pool: string) => {
      if (!pools.has(pool)) throw new ScopeViolationError(`routing state of pool ${JSON.stringify(pool)} was read but not locked`);
    };
    const inReps = (repId: string) => {
      if (!reps.has(repId)) throw new ScopeViolationError(`routing state of rep ${JSON.stringify(repId)} was read but not locked`);
    };
    return {
      poolSeq: (pool) => {
        inPool(pool);
        return this.#seqs.get(pool) ?? base.poolSeq(pool);
      },
      ledgerEntry: (pool, repId) => {
        inPool(pool);
        inReps(repId);
        return this.#ledger.get(`${pool}\u0000${repId}`) ?? base.ledgerEntry(pool, repId);
      },
      load: (repId) => {
        inReps(repId);
        return this.#loads.get(repId) ?? base.load(repId);
      },
    };
  }
}

const joined = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])].sort();

function presenceOf(presence: PresenceSnapshot, repIds: readonly string[]): PresenceSnapshot {
  const wanted = new Set(repIds);
  return Object.fromEntries(Object.entries(presence).filter(([repId]) => wanted.has(repId)));
}
