import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import type { Migration } from './migration.ts';

/**
 * Background notification jobs run once across instances (docs/notifications.md "Scheduled and edge-triggered events"):
 * - `notification_runs`: one row per (job, org-local day), taken in the transaction that emits the day's events, so
 *   a daily job (licence.expiring) runs at most once a day however many instances run it;
 * - `notification_conditions`: the conditions raised and not cleared yet (an overloaded rep, a stale list, a broken
 *   audit chain); a condition is announced when its row is inserted, not on every pass while it lasts;
 * - `sla_timers.kind` also admits the warnings before a deadline (`accept_warning`, `first_contact_warning`,
 *   sla.warnBeforeMinutes). PostgreSQL swaps the column's CHECK; SQLite cannot alter a CHECK, so the table is
 *   rebuilt with the same columns and indexes, rows copied as they are.
 */
export const notificationRuns: Migration = {
  version: 23,
  name: 'notification-runs',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    await db.schema
      .createTable('notification_runs')
      .addColumn('job', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('taken_at', 'text', (c) => c.notNull())
      .addColumn('taken_by', 'text', (c) => c.notNull())
      .addColumn('events', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_runs_pk', ['job', 'day'])
      .execute();
    await db.schema
      .createTable('notification_conditions')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('raised_at', 'text', (c) => c.notNull())
      .execute();
    await admitWarningTimers(db, dialect);
  },
};

const KINDS = sql`kind in ('accept','first_contact','accept_warning','first_contact_warning')`;

async function admitWarningTimers<DB>(db: Kysely<DB>, dialect: StoreDialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table sla_timers drop constraint sla_timers_kind_check, add constraint sla_timers_kind_check check (${KINDS})`.execute(
      db,
    );
    return;
  }
  // 0005's columns as a literal copy, not a shared helper: a released migration must not change when another does.
  await db.schema
    .createTable('sla_timers_0023')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(KINDS))
    .addColumn('rep_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('PENDING','FIRED','CANCELLED')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('outcome_json', 'text')
    .execute();
  const columns = sql.raw(
    'id, lead_id, kind, rep_id, team_id, assigned_at, due_at, status, created_at, closed_at, closed_by, outcome_json',
  );
  await sql`insert into sla_timers_0023 select ${columns} from sla_timers`.execute(db);
  await db.schema.dropTable('sla_timers').execute();
  await sql`alter table sla_timers_0023 rename to sla_timers`.execute(db);
  await db.schema.createIndex('sla_timers_due').on('sla_timers').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('sla_timers_lead').on('sla_timers').columns(['lead_id', 'created_at']).execute();
}
