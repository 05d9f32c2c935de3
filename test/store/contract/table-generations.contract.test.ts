import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { startStatementCounter } from '../../support/statement-counter.ts';
import { withPgClient, type StoreHarness } from '../store-harness.ts';
import { STORES, deferred, iso, serviceSeeds, storeReachable } from './contract-support.ts';

/**
 * Storage contract: the rarely changing tables an instance keeps in memory (users, notification preferences, active
 * webhook subscriptions, the org version in force; migration 0035, src/store/sql/table-generations.ts). Two handles on
 * one database stand for two `remit serve` instances: a change made through one, or by hand in SQL, is what the
 * other reads next, in a transaction and outside one; an unchanged table costs one read of the counters.
 */
describe.each(STORES)('table generations: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let a: Store;
  let b: Store;
  const { untilQueuedOn } = serviceSeeds(factory, () => h);
  beforeEach(async () => {
    h = await factory.create();
    a = h.store;
    b = await h.reopen();
    await b.users.create(person('usr_ada', ['compliance']));
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const person = (id: string, roles: ('compliance' | 'ops' | 'admin')[]) => ({
    id,
    name: id,
    email: `${id}@bank.example`,
    status: 'active' as const,
    roles,
    repId: null,
    createdAt: iso(0),
    createdBy: 'usr_root',
  });
  const subscription = (id: string, active: boolean) => ({
    id,
    url: `https://hooks.example/${id}`,
    secret: 'whsec_0123456789abcdef',
    events: ['*'],
    active,
    createdAt: iso(0),
  });
  let events = 0;
  const enqueue = (store: Store) =>
    store.transaction((tx) =>
      tx.outbox.enqueue(
        { eventId: `evt_${++events}`, eventType: 'lead.assigned', payloadJson: '{}', createdAt: iso(1) },
        () => `dlv_${events}_${Math.random()}`,
      ),
    );
  const publishAndActivate = async (store: Store, hash: string) => {
    await store.transaction(async (tx) => {
      await tx.orgVersions.publish({ hash, version: hash, configJson: '{}', createdAt: iso(0), createdBy: 'usr_root' });
      await tx.orgVersions.activate({ hash, activatedAt: iso(1), activatedBy: 'usr_root', reason: null });
    });
  };
  /** Statements the work ran (both handles are in this process; only `a` works in between). */
  const counted = async <T>(work: () => Promise<T>): Promise<{ value: T; statements: string[]; total: number }> => {
    const counter = startStatementCounter();
    try {
      const value = await work();
      const count = counter.snapshot();
      return { value, statements: [...count.byStatement.keys()], total: count.total };
    } finally {
      counter.stop();
    }
  };
  const onlyCounters = ['select "name", "generation" from "table_generations"'];

  it('a change through another instance is read next, in a transaction and outside one', async () => {
    await b.outbox.upsertSubscription(subscription('sub_1', true));
    await publishAndActivate(b, 'sha256:one');
    await b.notifications.setPreferences('usr_ada', '{"inbox":{"events":["lead.assigned"]}}', iso(0));
    // Warm a's memory.
    expect((await a.users.list()).map((u) => u.roles)).toEqual([['compliance']]);
    expect(await a.transaction((tx) => tx.users.list())).toHaveLength(1);
    expect((await a.orgVersions.current())?.hash).toBe('sha256:one');
    expect(await enqueue(a)).toBe(1);
    expect([...(await a.notifications.preferences()).keys()]).toEqual(['usr_ada']);

    const ada = (await b.users.get('usr_ada'))!;
    expect(await b.users.update('usr_ada', ada.version, { roles: ['ops'] }, iso(2))).not.toBe('conflict');
    await b.users.create(person('usr_bob', ['admin']));
    await b.outbox.upsertSubscription(subscription('sub_2', true));
    await b.outbox.upsertSubscription(subscription('sub_1', false));
    await publishAndActivate(b, 'sha256:two');
    await b.notifications.setPreferences('usr_bob', '{"inbox":{"events":["lead.refused"]}}', iso(2));

    await a.transaction(async (tx) => {
      expect((await tx.users.list()).map((u) => [u.id, u.roles])).toEqual([
        ['usr_ada', ['ops']],
        ['usr_bob', ['admin']],
      ]);
      expect([...(await tx.notifications.preferences()).keys()]).toEqual(['usr_ada', 'usr_bob']);
      expect((await tx.orgVersions.current())?.hash).toBe('sha256:two');
    });
    expect((await a.users.list()).map((u) => u.roles)).toEqual([['ops'], ['admin']]);
    expect((await a.orgVersions.current())?.hash).toBe('sha256:two');
    const deliveries = await a.transaction(async (tx) => {
      const made = await tx.outbox.enqueue(
        { eventId: 'evt_x', eventType: 'lead.held', payloadJson: '{}', createdAt: iso(3) },
        () => 'dlv_x',
      );
      return { made, subs: (await tx.outbox.listSubscriptions()).map((s) => [s.id, s.active]) };
    });
    expect(deliveries).toEqual({
      made: 1,
      subs: [
        ['sub_1', false],
        ['sub_2', true],
      ],
    });
  });

  it('a change made by hand in SQL is read next', async () => {
    expect((await a.users.list()).map((u) => u.status)).toEqual(['active']);
    await h.rawExec(`update users set status = 'suspended' where id = 'usr_ada'`);
    expect((await a.users.list()).map((u) => u.status)).toEqual(['suspended']);
    await h.rawExec(`delete from users where id = 'usr_ada'`);
    expect(await a.transaction((tx) => tx.users.list())).toEqual([]);
    if (h.schema === undefined) return;
    // PostgreSQL: a session whose search_path does not name the schema still moves that schema's counter.
    const schema = h.schema;
    expect((await a.notifications.preferences()).size).toBe(0);
    await withPgClient((c) =>
      c.query(
        `insert into "${schema}".notification_preferences (user_id, preferences_json, updated_at) values ('usr_x', '{}', '${iso(0)}')`,
      ),
    );
    expect([...(await a.notifications.preferences()).keys()]).toEqual(['usr_x']);
  });

  it('an unchanged table costs one read of the counters; sign-in bookkeeping does not count as a change', async () => {
    await b.outbox.upsertSubscription(subscription('sub_1', true));
    await a.users.list();
    await a.notifications.preferences();
    await a.orgVersions.current();
    await enqueue(a);
    await b.users.setPassword('usr_ada', 'scrypt$not-a-real-hash');
    await b.users.recordFailedSignIn('usr_ada', iso(5));
    const inTx = await counted(() =>
      a.transaction(async (tx) => {
        await tx.users.list();
        await tx.notifications.preferences();
        return tx.orgVersions.current();
      }),
    );
    expect(inTx.statements.filter((s) => !/^(begin|commit)/.test(s))).toEqual(onlyCounters);
    const outside = await counted(() => a.users.list());
    expect(outside.statements).toEqual(onlyCounters);
    const outbox = await counted(() => enqueue(a));
    expect(outbox.value).toBe(1);
    expect(outbox.statements.some((s) => s.includes('from "webhook_subscriptions"'))).toBe(false);
    // The outbox insert carries the transaction's read of the counters (PostgreSQL in a WITH, SQLite in RETURNING).
    expect(outbox.statements).not.toContain(onlyCounters[0]);
  });

  it('an outbox insert that carries the counters read sees a subscription changed through another instance', async () => {
    await b.outbox.upsertSubscription(subscription('sub_1', true));
    expect(await enqueue(a)).toBe(1);
    await b.outbox.upsertSubscription(subscription('sub_2', true));
    const changed = await counted(() => enqueue(a));
    expect(changed.value).toBe(2);
    expect(changed.statements).not.toContain(onlyCounters[0]);
    expect(changed.statements.some((s) => s.includes('from "webhook_subscriptions"'))).toBe(true);
    await b.outbox.upsertSubscription(subscription('sub_1', false));
    expect(await enqueue(a)).toBe(1);
    const unchanged = await counted(() => enqueue(a));
    expect(unchanged.value).toBe(1);
    expect(unchanged.statements.some((s) => s.includes('from "webhook_subscriptions"'))).toBe(false);
  });

  const key = (id: string, c: string) => ({
    id,
    name: id,
    role: 'compliance' as const,
    repId: null,
    secretHash: c.repeat(64),
    createdAt: iso(0),
    createdBy: 'usr_root',
    userId: 'usr_ada',
  });
  /** What an API request's key lookup sees: revoked or not, and the owner's status and roles (undefined: gone). */
  const lookup = async (reads: Pick<Store, 'apiKeys'>, c: string) => {
    const found = await reads.apiKeys.findWithOwner(c.repeat(64));
    return found && { revokedAt: found.key.revokedAt, owner: found.owner && { status: found.owner.status, roles: found.owner.roles } };
  };
  const active = { revokedAt: null, owner: { status: 'active', roles: ['compliance'] } };

  // Migration 0037: a revocation, a new key, a suspension, a role change or the person gone, through B or by hand.
  it('API keys with their person: any change through another instance or by hand is seen at the next lookup', async () => {
    await b.apiKeys.create(key('key_1', 'a'));
    expect(await lookup(a, 'a')).toEqual(active);
    expect(await lookup(a.requestReads(), 'a')).toEqual(active);
    expect(await lookup(a, 'b')).toBeUndefined();

    await b.apiKeys.revoke('key_1', iso(5));
    expect(await lookup(a.requestReads(), 'a')).toEqual({ ...active, revokedAt: iso(5) });
    await b.apiKeys.create(key('key_2', 'b'));
    expect(await lookup(a.requestReads(), 'b')).toEqual(active);
    const ada = (await b.users.get('usr_ada'))!;
    expect(await b.users.update('usr_ada', ada.version, { roles: ['ops'] }, iso(6))).not.toBe('conflict');
    expect(await lookup(a.requestReads(), 'b')).toEqual({ ...active, owner: { status: 'active', roles: ['ops'] } });
    expect(await b.users.update('usr_ada', ada.version + 1, { status: 'suspended' }, iso(7))).not.toBe('conflict');
    expect(await lookup(a, 'b')).toEqual({ ...active, owner: { status: 'suspended', roles: ['ops'] } });
    // By hand: a key revoked in SQL, the person erased.
    await h.rawExec(`update api_keys set revoked_at = '${iso(8)}' where id = 'key_2'`);
    expect(await lookup(a.requestReads(), 'b')).toEqual({ revokedAt: iso(8), owner: { status: 'suspended', roles: ['ops'] } });
    await h.rawExec(`delete from users where id = 'usr_ada'`);
    expect(await lookup(a.requestReads(), 'b')).toEqual({ revokedAt: iso(8), owner: undefined });
    expect(await lookup(a, 'a')).toEqual({ revokedAt: iso(5), owner: undefined });
  });

  it("a request's reads (org sync and API key) cost one read of the counters together while nothing changed", async () => {
    await b.apiKeys.create(key('key_1', 'a'));
    await publishAndActivate(b, 'sha256:one');
    const warm = a.requestReads();
    await warm.orgVersions.current();
    await lookup(warm, 'a');
    const request = await counted(async () => {
      const reads = a.requestReads();
      const org = await reads.orgVersions.current();
      return { org: org?.hash, key: await lookup(reads, 'a') };
    });
    expect(request.value).toEqual({ org: 'sha256:one', key: active });
    expect(request.statements).toEqual(onlyCounters);
    expect(request.total).toBe(1);
    // A lookup outside a request view reads the counters itself, every time.
    const outside = await counted(async () => [await lookup(a, 'a'), await lookup(a, 'a')]);
    expect(outside.value).toEqual([active, active]);
    expect([outside.statements, outside.total]).toEqual([onlyCounters, 2]);
  });

  it('an API key revoked in a transaction that rolls back is never served as revoked, and its own reads see it', async () => {
    await b.apiKeys.create(key('key_1', 'a'));
    expect(await lookup(a, 'a')).toEqual(active);
    await expect(
      a.transaction(async (tx) => {
        expect(await tx.apiKeys.revoke('key_1', iso(5))).toBe(true);
        expect(await lookup(tx, 'a')).toEqual({ ...active, revokedAt: iso(5) });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Another instance's change brings the counter to the value the rolled-back transaction had reached.
    await b.apiKeys.create(key('key_2', 'b'));
    expect(await lookup(a.requestReads(), 'a')).toEqual(active);
    expect(await lookup(a, 'b')).toEqual(active);
    expect(await lookup(a, 'a')).toEqual(active);
  });

  it('a transaction reads its own changes, and what it rolled back is never served to anyone', async () => {
    await a.users.list();
    await expect(
      a.transaction(async (tx) => {
        await tx.users.create(person('usr_ghost', ['admin']));
        expect((await tx.users.list()).map((u) => u.id)).toEqual(['usr_ada', 'usr_ghost']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Another instance's change brings the counter to the value the rolled-back transaction had reached.
    await b.users.create(person('usr_bob', ['ops']));
    expect((await a.users.list()).map((u) => u.id)).toEqual(['usr_ada', 'usr_bob']);
    expect((await a.transaction((tx) => tx.users.list())).map((u) => u.id)).toEqual(['usr_ada', 'usr_bob']);
  });

  // Lane pg5: on PostgreSQL a routing transaction reads the counters in the round trip of its routing locks, after they
  // are granted (sql/table-generations.ts `sendWithCounters`), and its outbox event is matched against the subscriptions
  // as of then. SQLite reads them at the first cached read, under its write lock: the same answers.
  it('a routing transaction reads the counters after its locks: a subscription the lock holder committed is matched', async () => {
    await b.outbox.upsertSubscription(subscription('sub_1', true));
    // a's memory now holds sub_1 alone, labelled with the current counters.
    expect(await enqueue(a)).toBe(1);
    const holderLocked = deferred();
    const holder = b.transaction(async (tx) => {
      await tx.routingState.lockScope({ pools: ['gb'], repIds: ['r1'] });
      holderLocked.resolve();
      // Hold until a's routing locks are queued behind this holder (PostgreSQL), so that a's counters really come after.
      await untilQueuedOn('routing_pools', 200);
      await tx.outbox.upsertSubscription(subscription('sub_2', true));
    });
    await holderLocked.promise;
    const matched = await a.transaction(async (tx) => {
      await tx.routingState.lockScopeReadingAway({ pools: ['gb'], repIds: ['r1'] });
      return tx.outbox.enqueue(
        { eventId: 'evt_locked', eventType: 'lead.assigned', payloadJson: '{}', createdAt: iso(1) },
        () => `dlv_${Math.random()}`,
      );
    });
    await holder;
    // sub_2, committed by the holder before a's locks were granted, is matched: the counters were read after them.
    expect(matched).toBe(2);
    expect(await enqueue(a)).toBe(2);
  });
});
