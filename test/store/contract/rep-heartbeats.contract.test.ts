import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: console heartbeats for auto-away (migration 0018), on SQLite and PostgreSQL alike. */
describe.each(STORES)('rep heartbeats repository: $factory.name', ({ factory, run }) => {
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

  it('never sent → undefined; a beat inserts, a later one moves lastSeen forward, an older one does not move it back', async () => {
    expect(await store.repHeartbeats.get('amelia-hughes')).toBeUndefined();
    await store.repHeartbeats.beat('amelia-hughes', iso(10));
    await store.repHeartbeats.beat('priya-shah', iso(5));
    await store.repHeartbeats.beat('amelia-hughes', iso(20));
    await store.repHeartbeats.beat('amelia-hughes', iso(15));
    expect(await store.repHeartbeats.get('amelia-hughes')).toEqual({ repId: 'amelia-hughes', lastSeen: iso(20) });
    expect(await store.repHeartbeats.list()).toEqual([
      { repId: 'amelia-hughes', lastSeen: iso(20) },
      { repId: 'priya-shah', lastSeen: iso(5) },
    ]);
  });

  it('refuses bad input and writes nothing; a rolled-back beat leaves nothing', async () => {
    await expect(store.repHeartbeats.beat('', iso(0))).rejects.toThrow(StoreInputError);
    await expect(store.repHeartbeats.beat('amelia-hughes', 'now')).rejects.toThrow(StoreInputError);
    await expect(
      store.transaction(async (tx) => {
        await tx.repHeartbeats.beat('amelia-hughes', iso(1));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.repHeartbeats.list()).toEqual([]);
  });
});
