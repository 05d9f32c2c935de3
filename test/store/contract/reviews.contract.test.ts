import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, deferred, iso, serviceSeeds, storeReachable } from './contract-support.ts';

/** Storage contract: reviews repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('reviews repository: $factory.name', ({ factory, run }) => {
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
  const { seedOrg, seedLead, untilQueuedOn } = serviceSeeds(factory, () => h);

  it('reviews: one OPEN review per lead, resolve only when OPEN, paging', async () => {
    await seedOrg();
    for (const id of ['V1', 'V2', 'V3']) await seedLead(store, id, { status: 'REFUSED' });
    const base = { kind: 'REFUSED', reasonCodes: ['JURISDICTION_NOT_SERVED'], requestedBy: 'system', requestedAt: iso(1) };
    await store.reviews.open({ id: 'R1', leadId: 'V1', ...base });
    await store.reviews.open({ id: 'R2', leadId: 'V2', ...base, requestedAt: iso(0) });
    await store.reviews.open({ id: 'R3', leadId: 'V3', ...base, kind: 'EXCEPTION', reasonCodes: [], requestedBy: 'u:carol' });
    const r1 = { id: 'R1', leadId: 'V1', status: 'OPEN', ...base, decidedBy: null, decidedAt: null, resolutionJson: null };
    expect(await store.reviews.get('R1')).toEqual(r1);
    expect(await store.reviews.openForLead('V1')).toEqual(r1);
    expect(await store.reviews.get('nope')).toBeUndefined();
    // A second OPEN review for the same lead: refused by the database.
    await expect(store.reviews.open({ id: 'R1b', leadId: 'V1', ...base })).rejects.toThrow();

    const resolution = {
      status: 'APPROVED' as const,
      decidedBy: 'u:dora',
      decidedAt: iso(9),
      resolutionJson: '{"teamId":"gb-a","repId":"r1","override":false}',
    };
    await store.reviews.resolve('R1', resolution);
    expect(await store.reviews.get('R1')).toEqual({ ...r1, ...resolution });
    expect(await store.reviews.openForLead('V1')).toBeUndefined();
    await expect(store.reviews.resolve('R1', { ...resolution, status: 'REJECTED' })).rejects.toThrow(/APPROVED, not OPEN/);
    await expect(store.reviews.resolve('ghost', resolution)).rejects.toThrow(/does not exist/);
    expect((await store.reviews.get('R1'))?.status).toBe('APPROVED');
    // Once resolved, the lead may be queued for review again.
    await store.reviews.open({ id: 'R4', leadId: 'V1', ...base, requestedAt: iso(10) });

    const ids = async (f: Parameters<Store['reviews']['page']>[0]) => (await store.reviews.page(f)).map((r) => r.id);
    expect(await ids({ limit: 10 })).toEqual(['R2', 'R1', 'R3', 'R4']);
    expect(await ids({ limit: 2 })).toEqual(['R2', 'R1']);
    expect(await ids({ limit: 2, after: 'R1' })).toEqual(['R3', 'R4']);
    expect(await ids({ limit: 10, status: 'OPEN' })).toEqual(['R2', 'R3', 'R4']);
    expect(await ids({ limit: 1, status: 'OPEN', after: 'R2' })).toEqual(['R3']);
    expect(await ids({ limit: 10, status: 'APPROVED' })).toEqual(['R1']);
    await expect(store.reviews.page({ limit: 10, after: 'ghost' })).rejects.toThrow(/unknown cursor/);
  });

  it('reviews: lock serialises two resolvers; exactly one resolves', async () => {
    await seedOrg();
    await seedLead(store, 'V1', { status: 'HELD' });
    await store.reviews.open({ id: 'R1', leadId: 'V1', kind: 'HELD', reasonCodes: [], requestedBy: 'system', requestedAt: iso(0) });
    const firstHolds = deferred();
    const resolver = (who: string, hold: boolean) =>
      store.transaction(async (tx) => {
        const review = await tx.reviews.lock('R1');
        if (hold) {
          firstHolds.resolve();
          // Hold until b is queued on the review's row lock (PostgreSQL), so that b's read really comes after a's commit.
          await untilQueuedOn('reviews', 150);
        }
        if (review?.status !== 'OPEN') return `${who}: already ${review?.status}`;
        await tx.reviews.resolve('R1', {
          status: who === 'a' ? 'APPROVED' : 'REJECTED',
          decidedBy: who,
          decidedAt: iso(1),
          resolutionJson: '{}',
        });
        return `${who}: resolved`;
      });
    const a = resolver('a', true);
    await firstHolds.promise;
    const b = resolver('b', false);
    // b waited for a's lock and then saw the decision: no error, no second decision.
    expect(await Promise.all([a, b])).toEqual(['a: resolved', 'b: already APPROVED']);
    expect(await store.reviews.get('R1')).toMatchObject({ status: 'APPROVED', decidedBy: 'a' });
  });
});
