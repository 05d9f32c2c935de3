import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, UnitOfWork } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, deferred, iso, storeReachable } from './contract-support.ts';

/** Storage contract: outbox repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('outbox repository: $factory.name', ({ factory, run }) => {
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

  it('outbox: deliveries for matching active subscriptions; claimDue, retry, dead, redrive, delivered', async () => {
    const sub = (id: string, events: string[], active = true) => ({
      id,
      url: `https://hooks.example/${id}`,
      secret: `s-${id}`,
      events,
      active,
      createdAt: iso(0),
    });
    await store.outbox.upsertSubscription(sub('s1', ['lead.assigned']));
    await store.outbox.upsertSubscription(sub('s2', ['*']));
    await store.outbox.upsertSubscription(sub('s3', ['lead.assigned'], false));
    await store.outbox.upsertSubscription(sub('s4', ['review.opened']));
    await store.outbox.upsertSubscription({ ...sub('s4', ['review.opened', 'review.resolved']), url: 'https://hooks.example/v2' });
    expect(await store.outbox.listSubscriptions()).toEqual([
      sub('s1', ['lead.assigned']),
      sub('s2', ['*']),
      sub('s3', ['lead.assigned'], false),
      { ...sub('s4', ['review.opened', 'review.resolved']), url: 'https://hooks.example/v2' },
    ]);

    let n = 0;
    const ids = () => `dl-${++n}`;
    const payload = '{"type":"lead.assigned","leadId":"L1"}';
    expect(await store.outbox.enqueue({ eventId: 'ev1', eventType: 'lead.assigned', payloadJson: payload, createdAt: iso(10) }, ids)).toBe(
      2,
    );
    expect(await store.outbox.enqueue({ eventId: 'ev2', eventType: 'lead.closed', payloadJson: '{}', createdAt: iso(11) }, ids)).toBe(1);
    expect(await store.outbox.enqueue({ eventId: 'ev3', eventType: 'review.resolved', payloadJson: '{}', createdAt: iso(12) }, ids)).toBe(
      2,
    );
    await expect(
      store.outbox.enqueue({ eventId: 'ev1', eventType: 'lead.assigned', payloadJson: payload, createdAt: iso(10) }, ids),
    ).rejects.toThrow(); // event ids are unique
    const d1 = await store.outbox.getDelivery('dl-1');
    expect(d1).toEqual({
      id: 'dl-1',
      eventId: 'ev1',
      eventType: 'lead.assigned',
      subscriptionId: 's1',
      payloadJson: payload,
      status: 'PENDING',
      attempts: 0,
      nextAttemptAt: iso(10),
      lastError: null,
      createdAt: iso(10),
      deliveredAt: null,
    });
    expect((await store.outbox.getDelivery('dl-2'))?.subscriptionId).toBe('s2');

    // Due times.
    expect(await store.outbox.claimDue(iso(9), 10)).toEqual([]);
    expect((await store.outbox.claimDue(iso(10), 10)).map((d) => d.id)).toEqual(['dl-1', 'dl-2']);
    expect((await store.outbox.claimDue(iso(20), 3)).map((d) => d.id)).toEqual(['dl-1', 'dl-2', 'dl-3']);

    // Failure with a retry time: PENDING again, later.
    await store.outbox.markFailed('dl-1', { error: 'HTTP 503', nextAttemptAt: iso(30) });
    expect(await store.outbox.getDelivery('dl-1')).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      nextAttemptAt: iso(30),
      lastError: 'HTTP 503',
    });
    expect((await store.outbox.claimDue(iso(20), 10)).map((d) => d.id)).toEqual(['dl-2', 'dl-3', 'dl-4', 'dl-5']);
    expect((await store.outbox.claimDue(iso(30), 10)).map((d) => d.id)).toEqual(['dl-2', 'dl-3', 'dl-4', 'dl-5', 'dl-1']);
    // Failure without one: DEAD, never claimed.
    await store.outbox.markFailed('dl-1', { error: 'timeout', nextAttemptAt: null });
    expect(await store.outbox.getDelivery('dl-1')).toMatchObject({ status: 'DEAD', attempts: 2, lastError: 'timeout' });
    expect((await store.outbox.claimDue(iso(99), 10)).map((d) => d.id)).not.toContain('dl-1');
    await expect(store.outbox.markFailed('dl-1', { error: 'x', nextAttemptAt: null })).rejects.toThrow(/DEAD, not PENDING/);
    // Redrive: PENDING, due now, attempts kept; only from DEAD.
    expect(await store.outbox.redrive('dl-1', iso(40))).toBe(true);
    expect(await store.outbox.redrive('dl-1', iso(41))).toBe(false);
    expect(await store.outbox.redrive('dl-2', iso(41))).toBe(false);
    expect(await store.outbox.getDelivery('dl-1')).toMatchObject({ status: 'PENDING', attempts: 2, nextAttemptAt: iso(40) });
    // Delivered.
    await store.outbox.markDelivered('dl-1', iso(41));
    expect(await store.outbox.getDelivery('dl-1')).toMatchObject({
      status: 'DELIVERED',
      attempts: 3,
      deliveredAt: iso(41),
      lastError: null,
    });
    await expect(store.outbox.markDelivered('dl-1', iso(42))).rejects.toThrow(/DELIVERED, not PENDING/);
    await expect(store.outbox.markDelivered('ghost', iso(42))).rejects.toThrow(/does not exist/);
    expect((await store.outbox.claimDue(iso(99), 10)).map((d) => d.id)).toEqual(['dl-2', 'dl-3', 'dl-4', 'dl-5']);
    // Lease: a claimed delivery is reserved (not due) until the lease ends; attempts unchanged.
    await store.transaction(async (tx) => {
      const [first] = await tx.outbox.claimDue(iso(99), 1);
      await tx.outbox.lease(first!.id, iso(200));
    });
    expect(await store.outbox.getDelivery('dl-2')).toMatchObject({ status: 'PENDING', attempts: 0, nextAttemptAt: iso(200) });
    expect((await store.outbox.claimDue(iso(99), 10)).map((d) => d.id)).toEqual(['dl-3', 'dl-4', 'dl-5']);
    expect((await store.outbox.claimDue(iso(200), 10)).map((d) => d.id)).toEqual(['dl-3', 'dl-4', 'dl-5', 'dl-2']);
    await expect(store.outbox.lease('dl-1', iso(300))).rejects.toThrow(/DELIVERED, not PENDING/);

    const list = async (f: Parameters<Store['outbox']['listDeliveries']>[0]) => (await store.outbox.listDeliveries(f)).map((d) => d.id);
    expect(await list({ limit: 10 })).toEqual(['dl-1', 'dl-2', 'dl-3', 'dl-4', 'dl-5']);
    expect(await list({ limit: 2, after: 'dl-2' })).toEqual(['dl-3', 'dl-4']);
    expect(await list({ limit: 10, status: 'DELIVERED' })).toEqual(['dl-1']);
    expect(await list({ limit: 10, status: 'PENDING', after: 'dl-3' })).toEqual(['dl-4', 'dl-5']);

    // The outbox itself is append-only.
    await expect(h.rawExec(`update outbox_events set payload_json = '{}'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from outbox_events`)).rejects.toThrow(/append-only/);
  });

  it('outbox: concurrent transactions claim disjoint sets of due deliveries (PostgreSQL: SKIP LOCKED)', async () => {
    await store.outbox.upsertSubscription({
      id: 's1',
      url: 'https://hooks.example/s1',
      secret: 's',
      events: ['*'],
      active: true,
      createdAt: iso(0),
    });
    let n = 0;
    for (let i = 0; i < 6; i++)
      await store.outbox.enqueue(
        { eventId: `ev${i}`, eventType: 'lead.assigned', payloadJson: '{}', createdAt: iso(i) },
        () => `dl-${++n}`,
      );
    const deliverAll = async (tx: UnitOfWork, limit: number) => {
      const claimed = await tx.outbox.claimDue(iso(60), limit);
      for (const d of claimed) await tx.outbox.markDelivered(d.id, iso(60));
      return claimed.map((d) => d.id);
    };
    if (store.capabilities.rowLocks) {
      // a claims 3 and holds them; b, meanwhile, gets the other 3 without waiting for a.
      const aClaimed = deferred();
      const release = deferred();
      const a = store.transaction(async (tx) => {
        const claimed = await tx.outbox.claimDue(iso(60), 3);
        aClaimed.resolve();
        await release.promise;
        for (const d of claimed) await tx.outbox.markDelivered(d.id, iso(60));
        return claimed.map((d) => d.id);
      });
      await aClaimed.promise;
      const b = await store.transaction((tx) => deliverAll(tx, 10));
      release.resolve();
      const aIds = await a;
      expect(aIds).toEqual(['dl-1', 'dl-2', 'dl-3']);
      expect(b).toEqual(['dl-4', 'dl-5', 'dl-6']);
    } else {
      // SQLite: write transactions are serialised, so concurrent dispatchers never overlap either.
      const [a, b] = await Promise.all([store.transaction((tx) => deliverAll(tx, 3)), store.transaction((tx) => deliverAll(tx, 10))]);
      expect([...a, ...b].sort()).toEqual(['dl-1', 'dl-2', 'dl-3', 'dl-4', 'dl-5', 'dl-6']);
    }
    expect(await store.outbox.claimDue(iso(60), 10)).toEqual([]);
    expect((await store.outbox.listDeliveries({ status: 'DELIVERED', limit: 10 })).every((d) => d.attempts === 1)).toBe(true);
  });
});
