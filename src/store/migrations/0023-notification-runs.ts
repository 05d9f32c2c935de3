import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Background notification jobs run once across instances (docs/notifications.md "Scheduled and edge-triggered events"):
 * - `notification_runs`: one row per (job, org-local day), taken in the transaction that emits the day's events, so
 *   a daily job (licence.expiring) runs at most once a day however many instances run it;
 * - `notification_conditions`: the conditions raised and not cleared yet (an overloaded rep, a stale list, a broken
 *   audit chain); a condition is announced when its row is inserted, not on every pass while it lasts.
 */
export const notificationRuns: Migration = {
  version: 23,
  name: 'notification-runs',
  async up<DB>(db: Kysely<DB>) {
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
  },
};
