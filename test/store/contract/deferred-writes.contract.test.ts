import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPEN_LEAD_STATUSES } from '../../../src/domain/lead/lead-status.ts';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store, UnitOfWork } from '../../../src/store/unit-of-work.ts';
import { startStatementCounter } from '../../support/statement-counter.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, deferred, iso, serviceSeeds, sleep, storeReachable } from './contract-support.ts';

/**
 * Storage contract: writes a transaction does not read back (deferred-writes.ts) — held by the driver (issue 18) and sent
 * with the next statement (PostgreSQL) or just before the first statement naming their table (SQLite) — behave exactly
 * like writes sent one by one: a failing one fails the transaction, which leaves nothing; reads in the transaction see
 * them; rows of one table keep the order they were written in; a rolled-back transaction's writes never reach a later one.
 */
describe.each(STORES)('deferred writes: $factory.name', ({ factory, run }) => {
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
  const { seedOrg, seedLead, rawQuery, untilQueuedOn } = serviceSeeds(factory, () => h);

  const claim = (tx: UnitOfWork, id: string) => tx.leads.claim({ id, orgHash: SEED, leadJson: JSON.stringify({ id }), receivedAt: iso(0) });
  let SEED = '';
  const event = (leadId: string, n: number) => ({ leadId, kind: 'intake', actor: 'api:k', at: iso(n), payloadJson: `{"n":${n}}` });
  const personal = (leadId: string) => ({ leadId, salt: 'ab', contactJson: '{}', rawJson: '{}', consentJson: null, createdAt: iso(0) });
  const auditEntry = (subject: string, n: number) => ({
    kind: 'intake' as const,
    subject,
    actor: 'api:k',
    at: iso(n),
    payload: { n },
    commitments: {},
  });

  /** A new lead with everything the intake writes without reading back, then `last` before the commit. */
  async function leadWith(tx: UnitOfWork, id: string, last: (tx: UnitOfWork) => Promise<unknown>): Promise<void> {
    await claim(tx, id);
    await tx.personalData.put(personal(id));
    await tx.personalData.putNameKeys(id, [1, 2, 3]);
    await tx.events.record([event(id, 1), event(id, 2)]);
    await tx.audit.appendMany([auditEntry(id, 1), auditEntry(id, 2)]);
    await tx.leads.update(id, { status: 'QUEUED', teamId: null, repId: null, orgHash: SEED, updatedAt: iso(1) });
    await tx.dedupe.add(id, ['email:x@example.com']);
    await last(tx);
  }

  async function nothingOf(id: string, inboxBefore: number): Promise<void> {
    expect(await store.leads.get(id)).toBeUndefined();
    expect(await store.personalData.get(id)).toBeUndefined();
    expect(await store.events.listForLead(id)).toEqual([]);
    expect(await store.audit.pendingCount()).toBe(inboxBefore);
    expect(await rawQuery(`select * from screening_lead_keys where lead_id = '${id}'`)).toEqual([]);
    expect(await rawQuery(`select * from dedupe_keys where lead_id = '${id}'`)).toEqual([]);
  }

  beforeEach(async () => {
    SEED = (await seedOrg()).record.hash;
  });

  it('a write failing in the database (a foreign key), last before COMMIT: the caller gets the error, nothing is left', async () => {
    const before = await store.audit.pendingCount();
    await expect(store.transaction((tx) => leadWith(tx, 'D1', (t) => t.events.record([event('ghost', 3)])))).rejects.toThrow();
    await nothingOf('D1', before);
  });

  it('a failing write, then a read of a table it writes with it: the read fails, and the transaction; nothing left', async () => {
    const before = await store.audit.pendingCount();
    let failed = '';
    await expect(
      store.transaction((tx) =>
        leadWith(tx, 'D2', async (t) => {
          const fail = (where: string) => (e: unknown) => {
            failed ||= where;
            throw e;
          };
          await t.decisions
            .append({
              decisionId: 'dec-x',
              leadId: 'D2',
              outcome: 'QUEUED',
              teamId: null,
              repId: null,
              orgHash: 'no-such-org',
              documentJson: '{}',
              decidedAt: iso(2),
              document: {
                decisionId: 'dec-x',
                leadId: 'D2',
                outcome: 'QUEUED',
                team: null,
                rep: null,
                ruleSet: { hash: 'no-such-org' },
                decidedAt: iso(2),
              },
            })
            .catch(fail('write'));
          await t.leads.get('D2').catch(fail('read'));
        }),
      ),
    ).rejects.toThrow();
    expect(failed).toBe('read');
    await nothingOf('D2', before);
  });

  it('reads in the transaction see its writes; rows of one table keep their order; all of it commits', async () => {
    const before = await store.audit.pendingCount();
    const seen = await store.transaction(async (tx) => {
      await leadWith(tx, 'D3', async () => {});
      await tx.events.record([event('D3', 3)]);
      await tx.audit.append(auditEntry('D3', 3));
      // A second write of the same row: it must see the first (one statement's parts would not).
      await tx.leads.update('D3', { status: 'HELD', teamId: null, repId: null, orgHash: SEED, updatedAt: iso(2) });
      // Twice the same rep's load: the second upsert must find the first one's row.
      const load = { ledger: null, load: { repId: 'rep-d3', day: '2026-12-06', openDelta: 1, todayDelta: 1 } } as const;
      await tx.routingState.apply(load);
      await tx.routingState.apply(load);
      return {
        lead: (await tx.leads.get('D3'))?.status,
        personal: (await tx.personalData.get('D3'))?.salt,
        events: (await tx.events.listForLead('D3')).map((e) => e.payloadJson),
        inbox: await tx.audit.pendingCount(),
        keys: (await tx.personalData.nameKeyCounts([1, 2, 3, 4])).size,
        load: (await tx.routingState.snapshot()).loads['rep-d3'],
      };
    });
    expect(seen).toEqual({
      lead: 'HELD',
      personal: 'ab',
      events: ['{"n":1}', '{"n":2}', '{"n":3}'],
      inbox: before + 3,
      keys: 3,
      load: { open: 2, day: '2026-12-06', today: 2 },
    });
    const events = await store.events.listForLead('D3');
    expect(events.map((e) => e.payloadJson)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    const inbox = (await store.audit.pending(100)).filter((e) => e.event.subject === 'D3');
    expect(inbox.map((e) => (e.event.payload as { n: number }).n)).toEqual([1, 2, 3]);
    expect(inbox.map((e) => e.inboxId)).toEqual([...inbox.map((e) => e.inboxId)].sort((a, b) => a - b));
    expect((await store.leads.get('D3'))?.status).toBe('HELD');
    expect(await rawQuery(`select key from dedupe_keys where lead_id = 'D3'`)).toEqual([{ key: 'email:x@example.com' }]);
  });

  it('a transaction that throws after its writes: none of them reaches the database or the next transaction', async () => {
    const before = await store.audit.pendingCount();
    await expect(
      store.transaction((tx) =>
        leadWith(tx, 'D4', async () => {
          throw new Error('use case failed');
        }),
      ),
    ).rejects.toThrow('use case failed');
    // The failed transaction's connection is the pool's next: outside a transaction it writes at once again.
    await store.audit.append(auditEntry('other', 1));
    await store.transaction(async (tx) => void (await claim(tx, 'D4-next')));
    await nothingOf('D4', before + 1);
  });

  it('a lead updated or given personal data without being created here still fails at once', async () => {
    await store.transaction(async (tx) => void (await claim(tx, 'D5')));
    await store.personalData.put(personal('D5'));
    await store.personalData.erase('D5', iso(5));
    await expect(
      store.transaction((tx) => tx.leads.update('nope', { status: 'QUEUED', teamId: null, repId: null, orgHash: SEED, updatedAt: iso(1) })),
    ).rejects.toThrow(StoreInputError);
    await expect(store.transaction((tx) => tx.personalData.put(personal('D5')))).rejects.toThrow(StoreInputError);
    // Created and erased in the same transaction: put is refused too.
    await expect(
      store.transaction(async (tx) => {
        await claim(tx, 'D6');
        await tx.personalData.put(personal('D6'));
        await tx.personalData.erase('D6', iso(6));
        await tx.personalData.put(personal('D6'));
      }),
    ).rejects.toThrow(StoreInputError);
    expect(await store.leads.get('D6')).toBeUndefined();
  });

  it('SQLite: appends of one table made before and after other statements are one INSERT', async () => {
    if (factory.name !== 'sqlite') return;
    await store.transaction(async (tx) => void (await claim(tx, 'warm')));
    const counter = startStatementCounter();
    try {
      await store.transaction((tx) =>
        leadWith(tx, 'S1', async (t) => {
          // A read of a table no held write names runs at once; the history and inbox rows after it join the held ones.
          await t.idempotency.get('scope', 'key');
          await t.events.record([event('S1', 3)]);
          await t.audit.append(auditEntry('S1', 3));
        }),
      );
      // BEGIN, the claim, the idempotency read, then at COMMIT the six held writes (events and inbox one INSERT each), COMMIT.
      expect(counter.snapshot().total).toBe(10);
      counter.reset();
      await store.transaction((tx) =>
        leadWith(tx, 'S2', async (t) => {
          await t.leads.lock('D1');
          await t.events.record([event('S2', 3)]);
        }),
      );
      // The lock names `leads`, which a held write changes: the six go first, then the lock; the last event at COMMIT.
      expect(counter.snapshot().total).toBe(11);
    } finally {
      counter.stop();
    }
    expect((await store.events.listForLead('S1')).map((e) => e.payloadJson)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect((await store.events.listForLead('S2')).map((e) => e.payloadJson)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    const inbox = (await store.audit.pending(100)).filter((e) => e.event.subject === 'S1');
    expect(inbox.map((e) => (e.event.payload as { n: number }).n)).toEqual([1, 2, 3]);
  });

  it('PostgreSQL: the writes a transaction does not read back cost one round trip with the next statement', async () => {
    if (factory.name !== 'postgres') return;
    await store.transaction(async (tx) => void (await claim(tx, 'warm')));
    const counter = startStatementCounter();
    try {
      await store.transaction((tx) => leadWith(tx, 'D7', async () => {}));
      // BEGIN, the claim, the seven writes together, COMMIT: four statements in two round trips (BEGIN travels with the
      // claim, the held writes with COMMIT: pipelined, lane pgtrips).
      expect(counter.snapshot()).toMatchObject({ statements: 4, total: 2 });
      counter.reset();
      await store.transaction((tx) =>
        leadWith(tx, 'D8', async (t) => {
          await t.events.record([event('D8', 3)]);
          await t.leads.lock('D1');
        }),
      );
      // The lock names `leads`, which a held write changes: the writes go first, on their own — in the lock's round trip.
      expect(counter.snapshot()).toMatchObject({ statements: 5, total: 3 });
      counter.reset();
      await expect(
        store.transaction((tx) =>
          leadWith(tx, 'D9', async () => {
            throw new Error('use case failed');
          }),
        ),
      ).rejects.toThrow('use case failed');
      // BEGIN, the claim, ROLLBACK: the held writes are dropped, not sent.
      expect(counter.snapshot()).toMatchObject({ statements: 3, total: 2 });
    } finally {
      counter.stop();
    }
    expect((await store.events.listForLead('D8')).map((e) => e.payloadJson)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  // Statements sent ahead (lane pgtrips, src/store/sql/sent-ahead.ts): BEGIN, the dedupe lock, the routing locks with the
  // presence read, an opened review, held writes before COMMIT travel in one round trip on PostgreSQL and behave as when
  // sent one by one: a read sent behind a lock starts once the lock is held (it sees what the previous holder
  // committed), the first failing statement is the error the caller gets and nothing of the transaction remains, and a
  // transaction that sent nothing costs nothing. SQLite runs each statement at once; the answers must be the same.
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

  // Lane pglock: every lead of a round-robin pool queues on the pool lock, so what a transaction holds (the intake's
  // writes) must run before the lock is asked for, not after it is granted (PostgreSQL runs a data-modifying WITH part
  // after its main statement). Observable through the audit inbox's identity: a value is drawn when the insert runs.
  it('PostgreSQL: held writes run before the pool lock is asked for, not once it is granted', async () => {
    if (factory.name !== 'postgres') return;
    const holderLocked = deferred();
    const release = deferred();
    const holder = store.transaction(async (tx) => {
      await tx.routingState.lockScope({ pools: ['gb'], repIds: [] });
      holderLocked.resolve();
      await release.promise;
    });
    await holderLocked.promise;
    let waiterLocked = false;
    const waiter = store.transaction(async (tx) => {
      await claim(tx, 'D40');
      await tx.personalData.put(personal('D40'));
      await tx.audit.appendMany([auditEntry('D40', 1)]);
      const view = await tx.routingState.lockScope({ pools: ['gb'], repIds: ['r1'] });
      waiterLocked = true;
      return view.poolSeq('gb');
    });
    // Wait until the waiter's pool lock is on the server, queued behind the holder (a fixed sleep was not enough under
    // load, when the waiter's statements could still be on their way). This test runs on PostgreSQL only.
    await untilQueuedOn('routing_pools', 0);
    expect(waiterLocked).toBe(false);
    await store.transaction((tx) => tx.audit.appendMany([auditEntry('between', 2)]));
    release.resolve();
    await holder;
    expect(await waiter).toBe(0);
    const order = await rawQuery(`select subject from audit_inbox where subject in ('D40', 'between') order by id`);
    expect(order.map((r) => r.subject)).toEqual(['D40', 'between']);
    expect(await store.personalData.get('D40')).toMatchObject({ salt: 'ab' });
  });

  it('the dedupe read sent behind the dedupe lock sees the lock holder’s lead, committed while it waited', async () => {
    const keys = ['email:ann@x.com', 'phone:+4420'];
    const holderLocked = deferred();
    const holder = store.transaction(async (tx) => {
      await tx.dedupe.lockKeys(keys);
      // A statement after the lock: the lock is held from here on (on PostgreSQL it travelled with this read).
      expect(await tx.dedupe.findOpenAndLatest(keys, OPEN_LEAD_STATUSES, keys)).toEqual({ open: undefined, latest: undefined });
      holderLocked.resolve();
      // Hold until the reader is queued on the dedupe lock (PostgreSQL), so that its read really waits for this commit.
      await untilQueuedOn('dedupe_locks', 200);
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
    // Outside a transaction the mark changes nothing: the insert runs at once and fails at once.
    await expect(store.reviews.open(review('R3', 'V1'))).rejects.toThrow(/unique|reviews_one_open/i);
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

  // Lane pg5: after the routing locks (which read the table generations in their round trip, PostgreSQL) the outbox event
  // and its deliveries are held writes sent with COMMIT. A failure in them must still reach the caller and leave nothing.
  const hook = (id: string) => ({
    id,
    url: `https://hooks.example/${id}`,
    secret: 'whsec_0123456789abcdef',
    events: ['*'],
    active: true,
    createdAt: iso(0),
  });
  const outboxEvent = (eventId: string) => ({ eventId, eventType: 'lead.assigned', payloadJson: `{"e":"${eventId}"}`, createdAt: iso(2) });
  let deliveryIds = 0;
  const newDeliveryId = () => `dlv_${++deliveryIds}`;
  const scope = { pools: ['gb'], repIds: ['r1'] };

  it('a failing outbox insert after the routing locks (a duplicate event): the caller gets its error, nothing half-written', async () => {
    await store.outbox.upsertSubscription(hook('sub_1'));
    expect(await store.outbox.enqueue(outboxEvent('ev_taken'), newDeliveryId)).toBe(1);
    await store.users.list(); // the store has read the counters: the routing locks read them along (PostgreSQL)
    const before = await store.audit.pendingCount();
    let enqueued = false;
    const error = await store
      .transaction((tx) =>
        leadWith(tx, 'D10', async (t) => {
          await t.routingState.lockScopeReadingAway(scope);
          await t.routingState.apply({ ledger: null, load: { repId: 'r1', day: '2026-12-06', openDelta: 1, todayDelta: 1 } });
          // A new event (and its delivery), then one whose id is taken: on PostgreSQL both are held and fail at COMMIT.
          expect(await t.outbox.enqueue(outboxEvent('ev_new'), newDeliveryId)).toBe(1);
          await t.outbox.enqueue(outboxEvent('ev_taken'), newDeliveryId);
          enqueued = true;
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
    // PostgreSQL held both events and failed at COMMIT; SQLite failed at once. Either way the caller gets the unique
    // key's own error, not an aborted transaction or a failed COMMIT.
    expect(enqueued).toBe(factory.name === 'postgres');
    expect(error?.message).toMatch(/unique|duplicate key/i);
    if (factory.name === 'postgres') expect(error?.code).toBe('23505');
    await nothingOf('D10', before);
    expect(await rawQuery(`select event_id from outbox_events order by event_id`)).toEqual([{ event_id: 'ev_taken' }]);
    expect(await rawQuery(`select event_id from deliveries order by event_id`)).toEqual([{ event_id: 'ev_taken' }]);
    expect(await rawQuery(`select rep_id from rep_state`)).toEqual([]);
    expect(await rawQuery(`select pool from routing_pools`)).toEqual([]);
  });

  it('after the routing locks, the outbox event and its deliveries commit with the transaction (PostgreSQL: with COMMIT)', async () => {
    await store.outbox.upsertSubscription(hook('sub_1'));
    await store.outbox.upsertSubscription({ ...hook('sub_2'), events: ['lead.refused'] });
    // Fills the instance's memory of the active subscriptions (table-generations.ts): the transaction below reads none.
    expect(await store.outbox.enqueue(outboxEvent('ev_warm'), newDeliveryId)).toBe(1);
    // A read of the counters on this store shows it has them (migration 0035; the service reads them per API request).
    await store.users.list();
    const counter = startStatementCounter();
    let matched: number[] = [];
    try {
      matched = await store.transaction(async (tx) => {
        await tx.routingState.lockScopeReadingAway(scope);
        return [
          await tx.outbox.enqueue(outboxEvent('ev_a'), newDeliveryId),
          await tx.outbox.enqueue({ ...outboxEvent('ev_b'), eventType: 'lead.refused' }, newDeliveryId),
        ];
      });
      // PostgreSQL: BEGIN with the locks, the presence and the counters read (one round trip), then both events and
      // their deliveries as one statement with COMMIT (one round trip). SQLite runs every statement at once, as before.
      if (factory.name === 'postgres') expect(counter.snapshot()).toMatchObject({ total: 2 });
    } finally {
      counter.stop();
    }
    expect(matched).toEqual([1, 2]);
    const rows = await rawQuery(
      `select event_id, subscription_id, status from deliveries where event_id <> 'ev_warm' order by event_id, subscription_id`,
    );
    expect(rows).toEqual([
      { event_id: 'ev_a', subscription_id: 'sub_1', status: 'PENDING' },
      { event_id: 'ev_b', subscription_id: 'sub_1', status: 'PENDING' },
      { event_id: 'ev_b', subscription_id: 'sub_2', status: 'PENDING' },
    ]);
    // Read-your-writes: a statement naming the deliveries in the transaction (an update of the new row, which checks
    // its row count) sends the held rows first.
    await store.transaction(async (tx) => {
      await tx.routingState.lockScopeReadingAway(scope);
      await tx.outbox.enqueue(outboxEvent('ev_c'), () => 'dlv_c');
      await tx.outbox.lease('dlv_c', iso(5));
      expect((await tx.outbox.getDelivery('dlv_c'))?.nextAttemptAt).toBe(iso(5));
    });
    expect((await store.outbox.claimDue(iso(4), 10)).map((d) => d.eventId)).not.toContain('ev_c');
    const due = (await store.outbox.claimDue(iso(6), 10)).map((d) => [d.eventId, d.payloadJson]);
    expect(due.sort()).toEqual([
      ['ev_a', '{"e":"ev_a"}'],
      ['ev_b', '{"e":"ev_b"}'],
      ['ev_b', '{"e":"ev_b"}'],
      ['ev_c', '{"e":"ev_c"}'],
      ['ev_warm', '{"e":"ev_warm"}'],
    ]);
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
      // Only held writes: BEGIN, the write and COMMIT still go (PostgreSQL: in one round trip), and it commits.
      const inbox = await store.audit.pendingCount();
      counter.reset();
      await store.transaction((tx) => tx.audit.appendMany([auditEntry('held-only', 1)]));
      expect(counter.snapshot()).toMatchObject(factory.name === 'postgres' ? { statements: 3, total: 1 } : { total: 3 });
      expect(await store.audit.pendingCount()).toBe(inbox + 1);
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

  // Lane storejs: statements asked for at once run one at a time, in the order asked, and only while the unit of work
  // lasts (Kysely's single-connection provider and committed-state checks today; any direct path must keep it).
  const orderPayloads = async (tx: UnitOfWork, id: string) => (await tx.events.listForLead(id)).map((e) => e.payloadJson);

  it('statements asked for at once run in the order asked: each read sees exactly the writes asked before it', async () => {
    const seen = await store.transaction(async (tx) => {
      await seedLead(tx, 'S1');
      await tx.events.record([event('S1', 1)]);
      // Not awaited one by one: the first read sends the held write and waits for it while the others are asked for.
      return Promise.all([
        orderPayloads(tx, 'S1'),
        tx.events.record([event('S1', 2)]),
        orderPayloads(tx, 'S1'),
        tx.events.record([event('S1', 3)]),
      ]);
    });
    expect(seen[0]).toEqual(['{"n":1}']);
    expect(seen[2]).toEqual(['{"n":1}', '{"n":2}']);
    expect((await store.events.listForLead('S1')).map((e) => e.payloadJson)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it('a failing statement among statements asked for at once: the transaction fails and leaves nothing', async () => {
    await expect(
      store.transaction(async (tx) => {
        await seedLead(tx, 'S2');
        await Promise.all([tx.events.record([event('S2', 1)]), tx.events.record([event('ghost', 2)]), orderPayloads(tx, 'S2')]);
      }),
    ).rejects.toThrow();
    expect(await store.leads.get('S2')).toBeUndefined();
    expect(await rawQuery(`select * from lead_events where lead_id in ('S2', 'ghost')`)).toEqual([]);
  });

  it('a unit of work used after its transaction ended is refused and writes nothing', async () => {
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
