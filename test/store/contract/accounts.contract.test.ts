import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: accounts repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('accounts repository: $factory.name', ({ factory, run }) => {
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

  it('accounts: upsert inserts or replaces by id', async () => {
    const a = { id: 'acc-2', name: 'Acme', domains: ['acme.com', 'acme.co.uk'], ownerRep: 'r1', tier: 'gold', updatedAt: iso(0) };
    const b = { id: 'acc-1', name: 'Bolt', domains: [], ownerRep: null, tier: null, updatedAt: iso(0) };
    await store.accounts.upsert([a, b]);
    expect(await store.accounts.list()).toEqual([b, a]);
    expect(await store.accounts.get('acc-2')).toEqual(a);
    expect(await store.accounts.get('nope')).toBeUndefined();
    const a2 = { ...a, name: 'Acme Ltd', domains: ['acme.com'], ownerRep: null, updatedAt: iso(5) };
    await store.accounts.upsert([{ ...a, tier: 'silver' }, a2]); // the last one for an id wins
    expect(await store.accounts.list()).toEqual([b, a2]);
    await store.accounts.upsert([]);
    await expect(store.accounts.upsert([{ ...a, domains: ['Acme.com'] }])).rejects.toThrow(/lower-case/);
    expect(await store.accounts.get('acc-2')).toEqual(a2);
  });

  it('accounts: a parent account is stored and replaced with the account; no parent reads as none; not its own parent', async () => {
    const group = { id: 'grp', name: 'Acme Group', domains: [], ownerRep: 'r1', tier: null, updatedAt: iso(0) };
    const sub = { id: 'sub', name: 'Acme UK', domains: ['acme.co.uk'], ownerRep: null, tier: null, parentId: 'grp', updatedAt: iso(0) };
    await store.accounts.upsert([group, sub]);
    expect(await store.accounts.get('sub')).toEqual(sub);
    expect(await store.accounts.get('grp')).toEqual(group);
    expect('parentId' in (await store.accounts.get('grp'))!).toBe(false);
    const { parentId: _, ...orphan } = sub;
    await store.accounts.upsert([{ ...orphan, updatedAt: iso(1) }]);
    expect(await store.accounts.get('sub')).toEqual({ ...orphan, updatedAt: iso(1) });
    await expect(store.accounts.upsert([{ ...sub, parentId: 'sub' }])).rejects.toThrow(/own parent/);
    await expect(store.accounts.upsert([{ ...sub, parentId: '' }])).rejects.toThrow(StoreInputError);
    expect(await store.accounts.get('sub')).toEqual({ ...orphan, updatedAt: iso(1) });
  });
});
