import { describe, expect, it } from 'vitest';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import { ALL_MIGRATIONS, STORES, manualClock, olderDatabase, routeLead, storeReachable } from './contract-support.ts';

const T = (s: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, s)).toISOString();

/**
 * Migration 0046 on a database of the previous release: SQLite drops `leads_rep_status` and `outbox_events_created` (no
 * query of its used them), still finds a rep's leads, in their page order, through `leads_page_rep`, and still joins
 * deliveries to their events by the events' primary key; PostgreSQL keeps both indexes.
 */
describe.each(STORES)('migration 0046 (unread indexes dropped on SQLite): $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;

  it('drops both indexes on SQLite only; reads by rep (and status) and the outbox join answer as before', async () => {
    const db = await olderDatabase(
      factory.name,
      MIGRATIONS.filter((m) => m.version < 46),
    );
    const indexes = async (table = 'leads') =>
      (factory.name === 'sqlite'
        ? await db.query(`select name from sqlite_master where type = 'index' and tbl_name = '${table}'`)
        : await db.query(`select indexname as name from pg_indexes where schemaname = '${db.schema}' and tablename = '${table}'`)
      ).map((r) => String(r['name']));
    try {
      const clock = manualClock();
      const old = await db.open(false);
      for (let i = 0; i < 12; i++) {
        await routeLead({ store: old, org: storeOrg(), clock, ids: sequentialIds(100 * (i + 1)) }, lead({ id: `L${i}` }));
        clock.advance(60_000);
      }
      const before = await old.leads.list();
      await old.outbox.upsertSubscription({
        id: 's1',
        url: 'https://hooks.example/s1',
        secret: 's',
        events: ['*'],
        active: true,
        createdAt: T(0),
      });
      await old.outbox.enqueue({ eventId: 'ev1', eventType: 'lead.assigned', payloadJson: '{"n":1}', createdAt: T(1) }, () => 'dl-1');
      await old.close();
      expect(await indexes()).toContain('leads_rep_status');
      expect(await indexes('outbox_events')).toContain('outbox_events_created');

      const upgraded = await db.open(true);
      try {
        expect(await upgraded.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        const after = await indexes();
        const outboxAfter = await indexes('outbox_events');
        if (factory.name === 'sqlite') {
          expect(after).not.toContain('leads_rep_status');
          expect(outboxAfter).not.toContain('outbox_events_created');
        } else {
          expect(after).toContain('leads_rep_status');
          expect(outboxAfter).toContain('outbox_events_created');
        }
        // Events written before the upgrade and after it are still found with their deliveries.
        await upgraded.outbox.enqueue(
          { eventId: 'ev2', eventType: 'lead.assigned', payloadJson: '{"n":2}', createdAt: T(2) },
          () => 'dl-2',
        );
        for (const [id, eventId, payloadJson] of [
          ['dl-1', 'ev1', '{"n":1}'],
          ['dl-2', 'ev2', '{"n":2}'],
        ] as const)
          expect(await upgraded.outbox.getDelivery(id)).toMatchObject({ eventId, payloadJson });
        expect(after).toEqual(expect.arrayContaining(['leads_page_rep', 'leads_page_status', 'leads_page_team']));

        const reps = [...new Set(before.map((l) => l.repId).filter((r): r is string => r !== null))];
        expect(reps.length).toBeGreaterThan(1);
        // A rep's leads, also with a status, in (receivedAt, id) order: what the readers by rep ask for.
        const order = (a: { receivedAt: string; id: string }, b: { receivedAt: string; id: string }) =>
          a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
        for (const repId of reps) {
          const mine = before.filter((l) => l.repId === repId).sort(order);
          expect(mine.length).toBeGreaterThan(0);
          expect((await upgraded.leads.list({ repId })).map((l) => l.id)).toEqual(mine.map((l) => l.id));
          expect((await upgraded.leads.page({ repId, status: 'ASSIGNED', limit: 50 })).map((l) => l.id)).toEqual(
            mine.filter((l) => l.status === 'ASSIGNED').map((l) => l.id),
          );
        }
        if (factory.name === 'sqlite') {
          // The page order comes from leads_page_rep, not a sort: the reason the dropped index was never needed.
          for (const where of [`rep_id = 'x'`, `status = 'ASSIGNED' and rep_id = 'x'`]) {
            const plan = await db.query(`explain query plan select * from leads where ${where} order by received_at, id limit 50`);
            expect(plan.map((r) => String(r['detail']))).toEqual([expect.stringContaining('USING INDEX leads_page_rep (rep_id=?)')]);
          }
          // The outbox's readers join an event by its primary key, never by time.
          const join = await db.query(
            'explain query plan select * from deliveries d join outbox_events e on e.event_id = d.event_id ' +
              `where d.status = 'PENDING' order by d.next_attempt_at, d.id limit 10`,
          );
          expect(join.map((r) => String(r['detail']))).toContainEqual(
            expect.stringContaining('USING INDEX sqlite_autoindex_outbox_events_1 (event_id=?)'),
          );
          expect(await db.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        }
      } finally {
        await upgraded.close();
      }
    } finally {
      await db.drop();
    }
  });
});
