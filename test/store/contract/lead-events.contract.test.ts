import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, serviceSeeds, storeReachable } from './contract-support.ts';

/** Storage contract: lead events repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('lead events repository: $factory.name', ({ factory, run }) => {
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
  const { seedOrg, seedLead } = serviceSeeds(factory, () => h);

  it('lead events: appended with increasing seq, listed oldest first, append-only in the database', async () => {
    await seedOrg();
    await seedLead(store, 'E1');
    await seedLead(store, 'E2');
    const e1 = await store.events.append({ leadId: 'E1', kind: 'intake', actor: 'api:key-1', at: iso(0), payloadJson: '{"source":"web"}' });
    const e2 = await store.events.append({ leadId: 'E2', kind: 'intake', actor: 'api:key-1', at: iso(1), payloadJson: '{}' });
    const e3 = await store.events.append({
      leadId: 'E1',
      kind: 'decision',
      actor: 'system',
      at: iso(2),
      payloadJson: '{"outcome":"ASSIGNED"}',
    });
    expect(e1.seq).toBeLessThan(e2.seq);
    expect(e2.seq).toBeLessThan(e3.seq);
    expect(e3).toEqual({ seq: e3.seq, leadId: 'E1', kind: 'decision', actor: 'system', at: iso(2), payloadJson: '{"outcome":"ASSIGNED"}' });
    expect(await store.events.listForLead('E1')).toEqual([e1, e3]);
    expect(await store.events.listForLead('nobody')).toEqual([]);
    await expect(h.rawExec(`update lead_events set actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from lead_events`)).rejects.toThrow(/append-only/);
    expect(await store.events.listForLead('E1')).toEqual([e1, e3]);
    // foreign key
    await expect(store.events.append({ leadId: 'ghost', kind: 'intake', actor: 'x', at: iso(0), payloadJson: '{}' })).rejects.toThrow();
    await expect(store.events.append({ leadId: 'E1', kind: 'intake', actor: 'x', at: iso(0), payloadJson: 'nope' })).rejects.toThrow(
      StoreInputError,
    );
  });
});
