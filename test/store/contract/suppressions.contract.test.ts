import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: suppressions repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('suppressions repository: $factory.name', ({ factory, run }) => {
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

  it('suppressions: upsert by (kind, value), find, page in byte order, remove, count', async () => {
    const e1 = { kind: 'email' as const, value: 'ann@example.com', reason: 'asked to stop', source: 'import:dnc.csv', createdAt: iso(0) };
    const e2 = { kind: 'email' as const, value: 'Zed@example.com', reason: null, source: 'import:dnc.csv', createdAt: iso(0) };
    const p1 = { kind: 'phone' as const, value: '+442079460018', reason: null, source: 'import:dnc.csv', createdAt: iso(0) };
    const d1 = { kind: 'domain' as const, value: 'competitor.example', reason: 'competitor', source: 'manual', createdAt: iso(0) };
    expect(await store.suppressions.count()).toBe(0);
    await store.suppressions.upsert([e1, e2, p1, d1]);
    expect(await store.suppressions.count()).toBe(4);
    const e1b = { ...e1, reason: 'complaint', createdAt: iso(5) };
    await store.suppressions.upsert([{ ...e1, reason: 'ignored' }, e1b]); // the last one for a pair wins
    expect(await store.suppressions.count()).toBe(4);
    expect(
      await store.suppressions.find([
        { kind: 'email', value: 'ann@example.com' },
        { kind: 'phone', value: '+442079460018' },
        { kind: 'phone', value: '+15550000000' },
      ]),
    ).toEqual([e1b, p1]);
    expect(await store.suppressions.find([])).toEqual([]);
    // (kind, value) in byte order: 'Z' (0x5a) sorts before 'a' (0x61) whatever the collation.
    const first = await store.suppressions.page({ limit: 2 });
    expect(first).toEqual([d1, e2]);
    expect(await store.suppressions.page({ limit: 2, after: { kind: e2.kind, value: e2.value } })).toEqual([e1b, p1]);
    expect(await store.suppressions.page({ limit: 10, kind: 'email' })).toEqual([e2, e1b]);
    expect(await store.suppressions.remove('email', 'Zed@example.com')).toBe(true);
    expect(await store.suppressions.remove('email', 'Zed@example.com')).toBe(false);
    await expect(store.suppressions.upsert([{ ...e1, kind: 'fax' as never }])).rejects.toThrow(StoreInputError);
    await expect(store.suppressions.upsert([{ ...e1, value: ' padded@example.com ' }])).rejects.toThrow(/surrounding spaces/);
    await expect(store.suppressions.page({ limit: 0 })).rejects.toThrow(StoreInputError);
    // Nothing of a rejected batch is written.
    await expect(
      store.suppressions.upsert([
        { ...p1, value: '+15551234567' },
        { ...e1, source: '' },
      ]),
    ).rejects.toThrow(StoreInputError);
    expect(await store.suppressions.count()).toBe(3);
    // Inside a transaction: rolled back with it.
    await expect(
      store.transaction(async (tx) => {
        await tx.suppressions.upsert([{ ...d1, value: 'rolled.back' }]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.suppressions.find([{ kind: 'domain', value: 'rolled.back' }])).toEqual([]);
  });
});
