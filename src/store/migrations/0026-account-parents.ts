import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Account hierarchies (docs/intake.md "Account hierarchies"): an account may name its parent account, so a
 * subsidiary without an owner of its own routes to the owner of its nearest owned ancestor. Existing accounts
 * have no parent (null), so they match and route as before.
 */
export const accountParents: Migration = {
  version: 26,
  name: 'account-parents',
  async up<DB>(db: Kysely<DB>) {
    await db.schema.alterTable('accounts').addColumn('parent_id', 'text').execute();
  },
};
