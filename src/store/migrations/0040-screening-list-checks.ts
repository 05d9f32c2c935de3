import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Scheduled list checks (docs/screening.md "Scheduled reloads"): one row per list source with a `reloadEveryMinutes`
 * schedule, holding when its next check is due. An instance claims a check by moving `next_check_at` forward with a
 * compare-and-set on the due time, so of several instances exactly one checks (and reloads) a source per period; the
 * others adopt the version it puts in force.
 */
export const screeningListChecks: Migration = {
  version: 40,
  name: 'screening-list-checks',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('screening_list_checks')
      .addColumn('source_id', 'text', (c) => c.primaryKey())
      .addColumn('next_check_at', 'text', (c) => c.notNull())
      .addColumn('checked_by', 'text', (c) => c.notNull())
      .addColumn('checked_at', 'text', (c) => c.notNull())
      .execute();
  },
};
