import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPEN_LEAD_STATUSES } from '../../../src/domain/lead/lead-status.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { startStatementCounter } from '../../support/statement-counter.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, deferred, iso, serviceSeeds, sleep, storeReachable } from './contract-support.ts';

/**
 * Storage contract (lane pgtrips, src/store/sql/sent-ahead.ts): statements a transaction sends without waiting for each
 * other's answers — BEGIN, the dedupe lock, the routing locks with the presence read, an opened review, held writes before
 * COMMIT — travel in one round trip on PostgreSQL and behave exactly as when sent one by one: a read sent behind a lock
 * starts once the lock is held (it sees what the previous holder committed), the first failing statement is the error the
 * caller gets and nothing of the transaction remains, and a transaction that sent nothing costs nothing. SQLite runs each
 * statement at once; the answers must be the same.
 */
describe.each(STORES)('statements sent ahead: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
    await seedOrg();
  });
  afterEach(async () => {
    await h.cleanup();
  });
  const { seedOrg, seedLead, rawQuery } = serviceSeeds(factory, () => h);
  const away = (repId: string, minutes: number) => ({
    repId,
    status: 'away' as const,
    since: iso(minutes),
    until: null,
    setBy: `u:${repId}`,
    reason: `lunch ${minutes}`,
  });
  const review = (id: string, leadId: string) => ({
    id,
    leadId,
    kind: 'HELD',
    reasonCodes: ['X'],
    requestedBy: 'system',
    requestedAt: iso(1),
  });

  it('the routing locks read presence after the rep lock: a presence change committed by its holder is seen', async () => {
    await store.repPresence.put(away('r2', 0));
    const holderLocked = deferred();
    const holder = store.transaction(async (tx) => {
      await tx.routingState.lockScope({ pools: [], repIds: ['r1'] });
      await tx.repPresence.put(away('r1', 5));
      holderLocked.resolve();
      await sleep(200);
    });
    await holderLocked.promise;
    const started = Date.now();
    const seen = await store.transaction((tx) => tx.routingState.lockScopeReadingAway({ pools: ['gb'], repIds: ['r2', 'r1', 'r3'] }));
    await holder;
    // It waited for the holder's commit (SQLite: at BEGIN; PostgreSQL: at the rep lock) and read after it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(seen.away.map((a) => [a.repId, a.reason])).toEqual([
      ['r1', 'lunch 5'],
      ['r2', 'lunch 0'],
    ]);
    expect(seen.state.load('r3')).toBeUndefined();
    expect(seen.state.poolSeq('gb')).toBe(0);
    expect(() => seen.state.load('r4')).toThrow(/not locked/);
  });

  it('lockScopeReadingAway answers as lockScope and listAway asked one after the other', async () => {
    await store.transaction(async (tx) => {
      await tx.routingState.lockScope({ pools: ['gb'], repIds: ['r1', 'r2'] });
      await tx.routingState.apply({
        ledger: { pool: 'gb', seq: 3, entries: { r1: { assigned: 2, entitled: 1.5, lastSeq: 3 } } },
        load: { repId: 'r1', day: '2026-03-02', openDelta: 1, todayDelta: 1 },
      });
    });
    await store.repPresence.put(away('r2', 1));
    await store.repPresence.put(away('r9', 1));
    const scope = { pools: ['gb', 'ie'], repIds: ['r2', 'r1'] };
    const together = await store.transaction((tx) => tx.routingState.lockScopeReadingAway(scope));
    const apart = await store.transaction(async (tx) => {
      const state = await tx.routingState.lockScope(scope);
      return { state, away: await tx.repPresence.listAway(scope.repIds) };
    });
    expect(together.away).toEqual(apart.away);
    expect(together.away.map((a) => a.repId)).toEqual(['r2']);
    for (const view of [together.state, apart.state]) {
      expect([view.poolSeq('gb'), view.poolSeq('ie')]).toEqual([3, 0]);
      expect(view.ledgerEntry('gb', 'r1')).toEqual({ assigned: 2, entitled: 1.5, lastSeq: 3 });
      expect(view.ledgerEntry('gb', 'r2')).toBeUndefined();
      expect(view.load('r1')).toEqual({ open: 1, day: '2026-03-02', today: 1 });
      expect(view.load('r2')).toBeUndefined();
    }
    // No reps: no presence read, the pools still locked and read.
    const poolsOnly = await store.transaction((tx) => tx.routingState.lockScopeReadingAway({ pools: ['gb'], repIds: [] }));
    expect(poolsOnly.away).toEqual([]);
    expect(poolsOnly.state.poolSeq('gb')).toBe(3);
  });

  it('the dedupe read sent behind the dedupe lock sees the lock holder’s lead, committed while it waited', async () => {
    const keys = ['email:ann@x.com', 'phone:+4420'];
    const holderLocked = deferred();
    const holder = store.transaction(async (tx) => {
      await tx.dedupe.lockKeys(keys);
      // A statement after the lock: the lock is held from here on (on PostgreSQL it travelled with this read).
      expect(await tx.dedupe.findOpenAndLatest(keys, OPEN_LEAD_STATUSES, keys)).toEqual({ open: undefined, latest: undefined });
      holderLocked.resolve();
      await sleep(200);
      await seedLead(tx, 'L1', { status: 'QUEUED' });
      await tx.dedupe.add('L1', keys);
    });
    await holderLocked.promise;
    const found = await store.transaction(async (tx) => {
      await tx.dedupe.lockKeys([...keys].reverse());
      return tx.dedupe.findOpenAndLatest(keys, OPEN_LEAD_STATUSES, keys);
    });
    await holder;
    expect(found.open).toMatchObject({ leadId: 'L1' });
    expect(found.latest).toMatchObject({ leadId: 'L1' });
  });

  it('a failing statement sent ahead (a second open review): the caller gets its error, nothing of the transaction remains', async () => {
    await store.transaction(async (tx) => {
      await seedLead(tx, 'V1', { status: 'HELD' });
      await tx.reviews.open(review('R1', 'V1'));
    });
    const error = await store
      .transaction(async (tx) => {
        await tx.events.record([{ leadId: 'V1', kind: 'intake', actor: 'api:k', at: iso(2), payloadJson: '{"n":1}' }]);
        await tx.reviews.open(review('R2', 'V1'));
        await tx.leads.get('V1');
        await tx.routingState.lockScope({ pools: [], repIds: ['r1'] });
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
    // The unique index's own error, not "transaction aborted" (25P02) from a statement behind it, nor a failed COMMIT.
    expect(error?.message).toMatch(/unique|reviews_one_open/i);
    if (factory.name === 'postgres') expect(error?.code).toBe('23505');
    expect((await store.reviews.openForLead('V1'))?.id).toBe('R1');
    expect(await store.events.listForLead('V1')).toEqual([]);
    expect(await rawQuery(`select rep_id from rep_state where rep_id = 'r1'`)).toEqual([]);
  });

  it('a failing held write sent with COMMIT: the caller gets the foreign-key error, not an aborted commit', async () => {
    const error = await store
      .transaction(async (tx) => {
        await seedLead(tx, 'V2', { status: 'QUEUED' });
        await tx.events.record([{ leadId: 'ghost', kind: 'intake', actor: 'api:k', at: iso(2), payloadJson: '{}' }]);
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toMatch(/foreign key/i);
    expect(await store.leads.get('V2')).toBeUndefined();
  });

  it('a transaction that sent nothing costs no round trip (PostgreSQL: BEGIN waits for the first statement)', async () => {
    const counter = startStatementCounter();
    try {
      await store.transaction(async () => undefined);
      await expect(
        store.transaction(async () => {
          throw new Error('before any statement');
        }),
      ).rejects.toThrow('before any statement');
      // SQLite: BEGIN and COMMIT / ROLLBACK run as before (no round trips to save).
      expect(counter.snapshot().total).toBe(factory.name === 'postgres' ? 0 : 4);
      counter.reset();
      await store.transaction(async (tx) => {
        await tx.dedupe.lockKeys(['email:bob@x.com']);
        await tx.leads.get('none');
      });
      // PostgreSQL: BEGIN, the lock and the read in one round trip, then COMMIT.
      expect(counter.snapshot()).toMatchObject(factory.name === 'postgres' ? { statements: 4, total: 2 } : { statements: 3, total: 3 });
    } finally {
      counter.stop();
    }
    // A lock sent ahead by a transaction that then failed is rolled back with it, and the connection is clean after.
    await expect(
      store.transaction(async (tx) => {
        await tx.dedupe.lockKeys(['email:carol@x.com']);
        throw new Error('after the lock');
      }),
    ).rejects.toThrow('after the lock');
    expect(await store.transaction((tx) => tx.dedupe.findOpen(['email:carol@x.com'], OPEN_LEAD_STATUSES))).toBeUndefined();
  });
});
