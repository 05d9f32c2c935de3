import type { Store, UnitOfWork } from '../../src/store/unit-of-work.ts';

/**
 * A store whose audit inbox swallows appends: for a database migrated before 0004 (upgrade tests)
 * and for the bench's "audit off" baseline. Production code has no such switch.
 */
export function withoutAudit(store: Store): Store {
  const mute = (uow: UnitOfWork): UnitOfWork => ({ ...uow, audit: { ...uow.audit, append: async () => {}, appendMany: async () => {} } });
  return {
    ...mute(store),
    capabilities: store.capabilities,
    health: () => store.health(),
    operationalCounts: () => store.operationalCounts(),
    requestReads: () => store.requestReads(),
    transaction: (fn) => store.transaction((tx) => fn(mute(tx))),
    appliedMigrations: () => store.appliedMigrations(),
    close: () => store.close(),
  };
}
