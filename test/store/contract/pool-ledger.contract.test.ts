import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, storeReachable } from './contract-support.ts';

const declared = { assigned: 2, entitled: 1.5, lastSeq: 3, day: '2026-11-24', today: 2 };
const plain = { assigned: 1, entitled: 1.5, lastSeq: 2 };

/** Storage contract: declared pools' day counters and the pool controls (lockPool, replacePoolLedger), on SQLite and PostgreSQL alike. */
describe.each(STORES)('pool ledger: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const seed = () =>
    store.transaction(async (tx) => {
      await tx.routingState.lockScope({ pools: ['p'], repIds: ['a', 'b'] });
      await tx.routingState.apply({ ledger: { pool: 'p', seq: 3, entries: { a: declared, b: plain } }, load: null });
    });

  it("stores a declared pool's day counter and leaves plain entries without one (snapshot and locked view)", async () => {
    await seed();
    expect((await store.routingState.snapshot()).pools).toEqual({ p: { seq: 3, reps: { a: declared, b: plain } } });
    await store.transaction(async (tx) => {
      const view = await tx.routingState.lockScope({ pools: ['p'], repIds: ['a', 'b'] });
      expect(view.ledgerEntry('p', 'a')).toEqual(declared);
      expect(view.ledgerEntry('p', 'b')).toEqual(plain);
      // A decision of the declared pool writes the counter of the member it picked and carries the others'.
      await tx.routingState.apply({
        ledger: { pool: 'p', seq: 4, entries: { a: { ...declared, assigned: 3, lastSeq: 4, day: '2026-11-25', today: 1 }, b: plain } },
        load: null,
      });
    });
    expect((await store.routingState.snapshot()).pools.p!.reps).toEqual({
      a: { ...declared, assigned: 3, lastSeq: 4, day: '2026-11-25', today: 1 },
      b: plain,
    });
  });

  it('lockPool returns the whole ledger; replacePoolLedger rewrites it and keeps the sequence', async () => {
    await seed();
    await store.transaction(async (tx) => {
      expect(await tx.routingState.lockPool('p')).toEqual({ seq: 3, reps: { a: declared, b: plain } });
      await tx.routingState.replacePoolLedger('p', { a: { ...declared, entitled: 2 } });
    });
    expect((await store.routingState.snapshot()).pools).toEqual({ p: { seq: 3, reps: { a: { ...declared, entitled: 2 } } } });
    await store.transaction(async (tx) => tx.routingState.replacePoolLedger('p', {}));
    expect((await store.routingState.snapshot()).pools).toEqual({ p: { seq: 3, reps: {} } });
  });

  it('a pool never used locks as empty, and may be written (recalibrating a pool before its first lead)', async () => {
    await store.transaction(async (tx) => {
      expect(await tx.routingState.lockPool('fresh')).toEqual({ seq: 0, reps: {} });
      await tx.routingState.replacePoolLedger('fresh', { a: { assigned: 0, entitled: 0, lastSeq: 0 } });
    });
    await store.transaction(async (tx) => {
      expect(await tx.routingState.lockPool('fresh')).toEqual({ seq: 0, reps: { a: { assigned: 0, entitled: 0, lastSeq: 0 } } });
    });
  });

  it('refuses a malformed day counter and changes nothing', async () => {
    await seed();
    const before = await store.routingState.snapshot();
    for (const bad of [
      { ...declared, day: '24/11/2026' },
      { ...declared, today: -1 },
      { ...declared, today: 1.5 },
    ]) {
      await expect(
        store.transaction(async (tx) => {
          await tx.routingState.lockPool('p');
          await tx.routingState.replacePoolLedger('p', { a: bad });
        }),
      ).rejects.toThrow(StoreInputError);
    }
    expect(await store.routingState.snapshot()).toEqual(before);
  });
});
