import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Delta re-screening jobs (docs/screening.md "Re-screen jobs"): a durable row per list change to screen against the
 * stored leads (a reload, an approval, a start with a changed file). What to screen is the delta's entry ids per list
 * with the list versions before and after; a runner claims a job with a compare-and-set on its status and lease, so two
 * instances never run one job at once, and a job whose runner died is claimed again once its lease ran out and resumes
 * after the last chunk it recorded.
 */
export const rescreenJobs: Migration = {
  version: 38,
  name: 'rescreen-jobs',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('rescreen_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('roles_json', 'text', (c) => c.notNull())
      .addColumn('lists_json', 'text', (c) => c.notNull())
      .addColumn('entries', 'integer', (c) => c.notNull())
      .addColumn('entries_done', 'integer', (c) => c.notNull())
      .addColumn('report_json', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('rescreen_jobs_status').on('rescreen_jobs').columns(['status', 'created_at']).execute();
  },
};
