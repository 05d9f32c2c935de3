import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, UnitOfWork } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, serviceSeeds, storeReachable } from './contract-support.ts';

/**
 * Storage contract: a transaction's statements run one at a time, in the order they were asked for, and only while the
 * unit of work lasts (today Kysely's single-connection provider and its committed-state checks do this; lane storejs
 * measured a direct path to SQLite's connection that has to keep it, docs/performance.md "Lane storejs").
 */
describe.each(STORES)('statements of a transaction: $factory.name', ({ factory, run }) => {
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
  const { seedOrg, seedLead, rawQuery } = serviceSeeds(factory, () => h);
  const event = (leadId: string, n: number) => ({ leadId, kind: 'intake', actor: 'api:k', at: iso(n), payloadJson: `{"n":${n}}` });
  const payloads = async (tx: UnitOfWork, id: string) => (await tx.events.listForLead(id)).map((e) => e.payloadJson);

  it('statements asked for at once run in the order asked: each read sees exactly the writes asked before it', async () => {
    await seedOrg();
    const seen = await store.transaction(async (tx) => {
      await seedLead(tx, 'S1');
      await tx.events.record([event('S1', 1)]);
      // Not awaited one by one: the first read sends the held write and waits for it while the others are asked for.
      return Promise.all([payloads(tx, 'S1'), tx.events.record([event('S1', 2)]), payloads(tx, 'S1'), tx.events.record([event('S1', 3)])]);
    });
    expect(seen[0]).toEqual(['{"n":1}']);
    expect(seen[2]).toEqual(['{"n":1}', '{"n":2}']);
    expect((await store.events.listForLead('S1')).map((e) => e.payloadJson)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it('a failing statement among statements asked for at once: the transaction fails and leaves nothing', async () => {
    await seedOrg();
    await expect(
      store.transaction(async (tx) => {
        await seedLead(tx, 'S2');
        await Promise.all([tx.events.record([event('S2', 1)]), tx.events.record([event('ghost', 2)]), payloads(tx, 'S2')]);
      }),
    ).rejects.toThrow();
    expect(await store.leads.get('S2')).toBeUndefined();
    expect(await rawQuery(`select * from lead_events where lead_id in ('S2', 'ghost')`)).toEqual([]);
  });

  it('a unit of work used after its transaction ended is refused and writes nothing', async () => {
    await seedOrg();
    let kept: UnitOfWork | undefined;
    await store.transaction(async (tx) => {
      await seedLead(tx, 'S3');
      kept = tx;
    });
    await expect(kept!.events.record([event('S3', 1)])).rejects.toThrow(/already committed/);
    await expect(kept!.leads.get('S3')).rejects.toThrow(/already committed/);
    expect(await store.events.listForLead('S3')).toEqual([]);
  });
});
