import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { NewNotification } from '../../../src/store/ports/notifications.port.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: notification deliveries (migrations 0020, 0022), on SQLite and PostgreSQL alike. */
describe.each(STORES)('notifications repository: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
    await store.outbox.enqueue(
      { eventId: 'evt-1', eventType: 'lead.assigned', payloadJson: '{"data":{"leadId":"l1"}}', createdAt: iso(0) },
      () => 'dlv',
    );
  });
  afterEach(async () => {
    await h.cleanup();
  });
  const row = (id: string, at = 0): NewNotification => ({
    id,
    eventId: 'evt-1',
    channel: 'email',
    recipient: `${id}@firm.example`,
    createdAt: iso(at),
  });

  it('add → PENDING with the event joined; claim leases by compare-and-set so a second claim gets nothing', async () => {
    await store.notifications.add([row('n1'), row('n2', 5)]);
    expect(await store.notifications.get('n1')).toMatchObject({
      status: 'PENDING',
      attempts: 0,
      eventType: 'lead.assigned',
      payloadJson: '{"data":{"leadId":"l1"}}',
      nextAttemptAt: iso(0),
      lastError: null,
      sentAt: null,
    });
    const [a, b] = await Promise.all([
      store.notifications.claimDue(iso(1), 10, iso(60)),
      store.notifications.claimDue(iso(1), 10, iso(60)),
    ]);
    expect([...a, ...b].map((n) => n.id)).toEqual(['n1']);
    expect(await store.notifications.claimDue(iso(30), 10, iso(90))).toMatchObject([{ id: 'n2', nextAttemptAt: iso(90) }]);
    expect(await store.notifications.claimDue(iso(59), 10, iso(120))).toEqual([]);
  });

  it('sent, failed with a retry, dead, redrive; list by status; a finished row cannot be marked again', async () => {
    await store.notifications.add([row('n1'), row('n2')]);
    await store.notifications.markSent('n1', iso(2));
    await expect(store.notifications.markSent('n1', iso(3))).rejects.toThrow(StoreInputError);
    await store.notifications.markFailed('n2', { error: 'attempt 1: down', nextAttemptAt: iso(10) });
    expect(await store.notifications.get('n2')).toMatchObject({ status: 'PENDING', attempts: 1, nextAttemptAt: iso(10) });
    expect(await store.notifications.redrive('n2', iso(11))).toBe(false);
    await store.notifications.markFailed('n2', { error: 'attempt 2: down', nextAttemptAt: null });
    expect((await store.notifications.list({ status: 'DEAD', limit: 10 })).map((n) => [n.id, n.attempts, n.lastError])).toEqual([
      ['n2', 2, 'attempt 2: down'],
    ]);
    expect((await store.notifications.list({ status: 'SENT', limit: 10 })).map((n) => [n.id, n.sentAt])).toEqual([['n1', iso(2)]]);
    expect(await store.notifications.redrive('n2', iso(12))).toBe(true);
    expect(await store.notifications.get('n2')).toMatchObject({ status: 'PENDING', attempts: 2, nextAttemptAt: iso(12) });
  });

  it('preferences: set, replaced, read back by user; bad JSON refused', async () => {
    expect(await store.notifications.preferences()).toEqual(new Map());
    await store.notifications.setPreferences('usr-1', '{"email":{"assignment":false}}', iso(1));
    await store.notifications.setPreferences('usr-2', '{"email":{}}', iso(1));
    await store.notifications.setPreferences('usr-1', '{"email":{"refusal":false}}', iso(2));
    expect(await store.notifications.preferences()).toEqual(
      new Map([
        ['usr-1', '{"email":{"refusal":false}}'],
        ['usr-2', '{"email":{}}'],
      ]),
    );
    await expect(store.notifications.setPreferences('usr-3', '{nope', iso(1))).rejects.toThrow(StoreInputError);
    await expect(store.notifications.setPreferences('', '{}', iso(1))).rejects.toThrow(StoreInputError);
  });

  it('dueAt and digestKey (0022): a row waits for its due time; a digest is claimed whole, past the limit, by one racer', async () => {
    const digest = (id: string, at: number, key = 'digest:k1'): NewNotification => ({
      ...row(id, at),
      recipient: 'rep@firm.example',
      dueAt: iso(100),
      digestKey: key,
    });
    await store.notifications.add([digest('d3', 3), digest('d1', 1), digest('d2', 2), { ...row('late'), dueAt: iso(200) }, row('n1', 0)]);
    expect(await store.notifications.get('d1')).toMatchObject({ nextAttemptAt: iso(100), digestKey: 'digest:k1', createdAt: iso(1) });
    expect(await store.notifications.get('n1')).toMatchObject({ nextAttemptAt: iso(0), digestKey: null });
    expect((await store.notifications.claimDue(iso(50), 10, iso(1000))).map((n) => n.id)).toEqual(['n1']);
    // Two instances race with a limit of 1: the winner of the digest takes its three rows, the loser none of them.
    const [a, b] = await Promise.all([
      store.notifications.claimDue(iso(150), 1, iso(400)),
      store.notifications.claimDue(iso(150), 1, iso(400)),
    ]);
    const won = [a, b].filter((c) => c.length > 0);
    expect(won).toHaveLength(1);
    expect(won[0]!.map((n) => n.id)).toEqual(['d1', 'd2', 'd3']);
    expect(await store.notifications.claimDue(iso(250), 10, iso(400))).toMatchObject([{ id: 'late', digestKey: null }]);
    await expect(store.notifications.add([{ ...row('bad'), dueAt: 'tomorrow' }])).rejects.toThrow(StoreInputError);
    await expect(store.notifications.add([{ ...row('bad'), digestKey: '' }])).rejects.toThrow(StoreInputError);
  });

  it('four instances racing for two digests: each digest goes whole to exactly one of them, no row twice', async () => {
    const digestRows = ['a', 'b'].flatMap((who) =>
      [1, 2, 3, 4, 5].map((i): NewNotification => ({
        ...row(`${who}${i}`, i),
        recipient: `${who}@firm.example`,
        dueAt: iso(30),
        digestKey: `digest:${who}`,
      })),
    );
    await store.notifications.add(digestRows);
    const results = await Promise.all([1, 2, 3, 4].map(() => store.notifications.claimDue(iso(30), 10, iso(90))));
    const all = results.flat().map((n) => n.id);
    expect([...all].sort()).toEqual(digestRows.map((n) => n.id).sort());
    for (const who of ['a', 'b']) {
      const holders = results.filter((r) => r.some((n) => n.recipient === `${who}@firm.example`));
      expect(holders).toHaveLength(1);
      expect(holders[0]!.filter((n) => n.recipient === `${who}@firm.example`)).toHaveLength(5);
    }
  });

  it('pruneFinished: counts (dry run) then deletes SENT and DEAD rows created before the cutoff; PENDING rows stay', async () => {
    await store.notifications.add([row('old-sent', 1), row('old-dead', 2), row('old-pending', 3), row('new-sent', 20)]);
    await store.notifications.markSent('old-sent', iso(4));
    await store.notifications.markFailed('old-dead', { error: 'attempt 1: down', nextAttemptAt: null });
    await store.notifications.markSent('new-sent', iso(21));
    expect(await store.notifications.pruneFinished(iso(10), { dryRun: true })).toBe(2);
    expect(await store.notifications.list({ limit: 10 })).toHaveLength(4);
    expect(await store.notifications.pruneFinished(iso(10), { dryRun: false })).toBe(2);
    expect((await store.notifications.list({ limit: 10 })).map((n) => n.id)).toEqual(['old-pending', 'new-sent']);
    await expect(store.notifications.pruneFinished('soon', { dryRun: true })).rejects.toThrow(StoreInputError);
  });

  it('preferencesOf: one person’s stored JSON, undefined without a row', async () => {
    await store.notifications.setPreferences('usr-1', '{"email":{},"slack":{"webhookUrl":"https://hooks.slack.example/T/B/x"}}', iso(1));
    expect(await store.notifications.preferencesOf('usr-1')).toBe(
      '{"email":{},"slack":{"webhookUrl":"https://hooks.slack.example/T/B/x"}}',
    );
    expect(await store.notifications.preferencesOf('usr-2')).toBeUndefined();
  });

  it('inbox: only the owner’s inbox rows, newest first, keyset pages; unread count; read marks for the owner only', async () => {
    const inboxRow = (id: string, recipient: string, at: number): NewNotification => ({
      id,
      eventId: 'evt-1',
      channel: 'inbox',
      recipient,
      createdAt: iso(at),
    });
    await store.notifications.add([
      inboxRow('i1', 'usr-1', 1),
      inboxRow('i2', 'usr-1', 2),
      inboxRow('i3', 'usr-1', 2),
      inboxRow('i4', 'usr-2', 3),
      { ...row('n1', 4), recipient: 'usr-1' }, // an e-mail row whose address happens to equal the id: not inbox
    ]);
    expect(await store.notifications.get('i1')).toMatchObject({ channel: 'inbox', readAt: null });
    const first = await store.notifications.inbox('usr-1', { limit: 2 });
    expect(first.map((n) => n.id)).toEqual(['i3', 'i2']);
    expect((await store.notifications.inbox('usr-1', { before: 'i2', limit: 2 })).map((n) => n.id)).toEqual(['i1']);
    await expect(store.notifications.inbox('usr-1', { before: 'i4', limit: 2 })).rejects.toThrow(StoreInputError);
    await expect(store.notifications.inbox('usr-1', { before: 'n1', limit: 2 })).rejects.toThrow(StoreInputError);
    expect(await store.notifications.unreadCount('usr-1')).toBe(3);
    expect(await store.notifications.markRead('usr-2', 'i1', iso(5))).toBe(false);
    expect(await store.notifications.markRead('usr-1', 'n1', iso(5))).toBe(false);
    expect(await store.notifications.markRead('usr-1', 'i1', iso(5))).toBe(true);
    expect(await store.notifications.markRead('usr-1', 'i1', iso(6))).toBe(true);
    expect(await store.notifications.get('i1')).toMatchObject({ readAt: iso(5) });
    expect(await store.notifications.unreadCount('usr-1')).toBe(2);
    expect(await store.notifications.markAllRead('usr-1', iso(7))).toBe(2);
    expect(await store.notifications.unreadCount('usr-1')).toBe(0);
    expect(await store.notifications.unreadCount('usr-2')).toBe(1);
    expect(await store.notifications.get('n1')).toMatchObject({ readAt: null });
    await expect(store.notifications.markAllRead('usr-1', 'yesterday')).rejects.toThrow(StoreInputError);
  });

  it('refuses bad input and writes nothing; a rolled-back add leaves nothing', async () => {
    await expect(store.notifications.add([{ ...row('n1'), channel: 'fax' as 'email' }])).rejects.toThrow(StoreInputError);
    await expect(store.notifications.add([row('n2'), { ...row('n3'), recipient: '' }])).rejects.toThrow(StoreInputError);
    await expect(store.notifications.list({ status: 'LOST' as 'SENT', limit: 10 })).rejects.toThrow(StoreInputError);
    await expect(store.notifications.markSent('nope', iso(1))).rejects.toThrow(StoreInputError);
    await expect(
      store.transaction(async (tx) => {
        await tx.notifications.add([row('n4')]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.notifications.list({ limit: 10 })).toEqual([]);
  });
});
