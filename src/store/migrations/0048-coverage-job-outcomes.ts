import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * docs/screening.md "Screening again once coverage is back" ("Resumable, never twice"): what a `coverage` job did to
 * each lead it screened again (released, held as a match, unchanged), written in the transaction that changes the
 * lead. A page's progress is recorded after its leads, and a lead the job released no longer meets the criterion when
 * a resumed job reads the page again, so the job's report counts these rows rather than what one attempt saw. Not
 * `rescreen_job_holds` (0047): an outcome is not a hold, has no hits, and a later outcome of the same lead replaces the
 * earlier one instead of adding to it. The primary key (job, lead) is also the read. No personal data.
 */
export const coverageJobOutcomes: Migration = {
  version: 48,
  name: 'coverage-job-outcomes',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('coverage_job_outcomes')
      .addColumn('job_id', 'text', (c) => c.notNull().references('rescreen_jobs.id'))
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('coverage_job_outcomes_pk', ['job_id', 'lead_id'])
      .execute();
  },
};
