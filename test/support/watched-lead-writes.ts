import type { Store, UnitOfWork } from '../../src/store/unit-of-work.ts';

/** What a watched transaction records of the leads written in it (routing-batch and bulk intake tests). */
export interface LeadWrites {
  /** The transaction each lead row was inserted in. */
  readonly txOfLead: Map<string, number>;
  /** Lead ids in the order their routing (decision) or duplicate link was written. */
  readonly routedOrder: string[];
}

/**
 * `tx` (transaction number `id`) recording into `w` which transaction wrote each lead and in which order leads were
 * routed; plants a fault: the dedupe keys of a lead whose email holds `fault` cannot be stored (mid-batch: after the
 * batch's other leads recorded their intake in the same transaction). `fault` null: none.
 */
export function watchLeadWrites(tx: UnitOfWork, id: number, w: LeadWrites, fault: () => string | null = () => 'boom'): UnitOfWork {
  return {
    ...tx,
    leads: {
      ...tx.leads,
      insertNew: (row) => {
        w.txOfLead.set(row.id, id);
        return tx.leads.insertNew(row);
      },
      update: (leadId, patch) => {
        if (patch.status === 'DUPLICATE') w.routedOrder.push(leadId);
        return tx.leads.update(leadId, patch);
      },
    },
    decisions: {
      ...tx.decisions,
      append: (decision) => {
        w.routedOrder.push(decision.leadId);
        return tx.decisions.append(decision);
      },
    },
    dedupe: {
      ...tx.dedupe,
      add: async (leadId, keys) => {
        const f = fault();
        if (f !== null && keys.some((k) => k.includes(f))) throw new Error(`planted fault: lead ${leadId}`);
        return tx.dedupe.add(leadId, keys);
      },
    },
  };
}

/** A service's transactions, watched (watchServiceTransactions). */
export interface WatchedTransactions extends LeadWrites {
  /** Transactions begun through the service's store. */
  transactions: number;
  /** Transactions whose COMMIT has returned. */
  readonly committed: Set<number>;
}

/**
 * Replaces the service's store with one whose every transaction is watched (watchLeadWrites, with its planted `fault`)
 * and numbered, and records which committed (routing-batch and bulk intake tests). `beforeCommit` runs at the end of
 * each transaction's body, before its COMMIT (e.g. a timer holding the COMMIT back).
 */
export function watchServiceTransactions(
  svc: { readonly store: Store; readonly ctx: { readonly store: Store } },
  fault?: () => string | null,
  beforeCommit?: () => Promise<void>,
): WatchedTransactions {
  const w: WatchedTransactions = { transactions: 0, txOfLead: new Map(), committed: new Set(), routedOrder: [] };
  const base = svc.store;
  (svc.ctx as { store: Store }).store = {
    ...base,
    transaction: (fn) => {
      const id = ++w.transactions;
      return base
        .transaction(async (tx) => {
          const value = await fn(watchLeadWrites(tx, id, w, fault));
          await beforeCommit?.();
          return value;
        })
        .then((value) => {
          w.committed.add(id);
          return value;
        });
    },
  };
  return w;
}
