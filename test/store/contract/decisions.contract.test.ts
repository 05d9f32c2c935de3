import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, routeDeps, routeLead, storeReachable } from './contract-support.ts';

/** Storage contract: decisions repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('decisions repository: $factory.name', ({ factory, run }) => {
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
  const deps = routeDeps(() => store);

  it('decisions are append-only in the database too', async () => {
    await routeLead(deps(storeOrg()), lead({ id: 'L1' }));
    await expect(h.rawExec(`update decisions set outcome = 'REFUSED'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from decisions`)).rejects.toThrow(/append-only/);
    expect((await store.decisions.list()).map((d) => d.outcome)).toEqual(['ASSIGNED']);
  });
});
