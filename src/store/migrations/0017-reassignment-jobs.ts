import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Automatic reassignment jobs (docs/operations.md "Automatic reassignment"): a durable row per background job that a
 * roster change, a publication or the lapse sweep started. A worker claims a job with a compare-and-set on its status
 * and lease, so two instances never run one job at once, and a job whose instance died is claimed again once its
 * lease has run out.
 */
export const reassignmentJobs: Migration = {
  version: 17,
  name: 'reassignment-jobs',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('reassignment_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('rep_id', 'text')
      .addColumn('lead_ids_json', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('org_hash', 'text', (c) => c.notNull())
      .addColumn('previous_hash', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('reassignment_jobs_status').on('reassignment_jobs').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('reassignment_jobs_rep').on('reassignment_jobs').columns(['rep_id', 'status']).execute();
  },
};
