import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * docs/screening.md "Re-screen jobs" ("A runner that dies"): each lead a delta re-screening job held, with the hits
 * that held it, written in the transaction that holds the lead. A chunk's progress is recorded after its holds, so a
 * runner that dies in between leaves holds its job's report never saw; the report is completed from these rows. The
 * primary key (job, lead) is also the read: a job's holds. No personal data: lead ids and `list/entry` keys, as in the
 * job's report.
 */
export const rescreenJobHolds: Migration = {
  version: 47,
  name: 'rescreen-job-holds',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('rescreen_job_holds')
      .addColumn('job_id', 'text', (c) => c.notNull().references('rescreen_jobs.id'))
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('hits_json', 'text', (c) => c.notNull())
      .addColumn('held_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('rescreen_job_holds_pk', ['job_id', 'lead_id'])
      .execute();
  },
};
