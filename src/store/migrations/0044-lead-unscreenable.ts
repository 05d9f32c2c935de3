import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * docs/screening.md "Screening again once coverage is back": a held lead the coverage release found it cannot screen
 * whatever the lists (`no_name`: no person, company or ship name in its stored contact) is marked here, so later
 * releases (each regained coverage, each start) neither queue a job for it nor screen it again. The lead stays HELD
 * with its open review; the mark is bookkeeping of the release, not lead data. Null for every other lead.
 */
export const leadUnscreenable: Migration = {
  version: 44,
  name: 'lead-unscreenable',
  async up<DB>(db: Kysely<DB>) {
    await db.schema.alterTable('leads').addColumn('coverage_unscreenable', 'text').execute();
  },
};
