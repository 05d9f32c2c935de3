import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Roster changes (docs/operations.md "Day-to-day for sales ops"): each small change (pause a rep, add an
 * out-of-office period) publishes a new org version, and whoever put it in force says why. The reason
 * belongs to the activation, not to the version: versions are content-addressed and immutable, and the
 * same content may be put back in force later for another reason (unpausing a rep restores the earlier
 * hash). Null for activations made before this migration and for plain publications without a reason.
 */
export const rosterChanges: Migration = {
  version: 15,
  name: 'roster-changes',
  async up<DB>(db: Kysely<DB>) {
    await db.schema.alterTable('org_activations').addColumn('reason', 'text').execute();
  },
};
