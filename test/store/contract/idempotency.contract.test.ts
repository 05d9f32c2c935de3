import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: idempotency repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('idempotency repository: $factory.name', ({ factory, run }) => {
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

  it('idempotency: first writer wins, also concurrently', async () => {
    const rec = {
      scope: 'key-1',
      key: 'idem-1',
      requestHash: 'h1',
      statusCode: 201,
      responseJson: '{"decisionId":"d1"}',
      createdAt: iso(0),
    };
    expect(await store.idempotency.get('key-1', 'idem-1')).toBeUndefined();
    expect(await store.idempotency.put(rec)).toEqual(rec);
    expect(await store.idempotency.put({ ...rec, requestHash: 'h2', statusCode: 200, responseJson: '{}', createdAt: iso(1) })).toEqual(rec);
    expect(await store.idempotency.get('key-1', 'idem-1')).toEqual(rec);
    // Keys are per scope.
    const other = { ...rec, scope: 'key-2', requestHash: 'h3' };
    expect(await store.idempotency.put(other)).toEqual(other);
    expect(await store.idempotency.get('key-2', 'idem-1')).toEqual(other);

    const racers = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        store.transaction((tx) => tx.idempotency.put({ ...rec, key: 'idem-race', requestHash: `h${i}`, responseJson: `{"n":${i}}` })),
      ),
    );
    expect(new Set(racers.map((r) => r.requestHash)).size).toBe(1);
    expect(await store.idempotency.get('key-1', 'idem-race')).toEqual(racers[0]);
    await expect(store.idempotency.put({ ...rec, key: 'bad', statusCode: 42 })).rejects.toThrow(StoreInputError);
  });
});
