import type { Store, UnitOfWork } from '../../src/store/unit-of-work.ts';

/**
 * A store whose SLA timer repository accepts and forgets, and in which no rep is away (rep presence):
 * for running the current routing code on a database migrated before 0005 / 0011 (upgrade tests).
 * Production code has no such switch.
 */
export function withoutConduct(store: Store): Store {
  const mute = (uow: UnitOfWork): UnitOfWork => ({
    ...uow,
    slaTimers: { ...uow.slaTimers, schedule: async () => {}, cancelPending: async () => 0 },
    repPresence: { ...uow.repPresence, listAway: async () => [] },
    // The routing locks without the presence read they carry (no rep_presence table before 0011).
    routingState: {
      ...uow.routingState,
      lockScopeReadingAway: async (scope) => ({ state: await uow.routingState.lockScope(scope), away: [] }),
    },
  });
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
