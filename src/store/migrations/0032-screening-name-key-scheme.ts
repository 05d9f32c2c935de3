import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Which key scheme the stored screening name keys were computed with (docs/screening.md "Delta re-screening"): one
 * row. A change to name normalisation or to the index keys changes the scheme's fingerprint; the delta re-screening
 * then drops every stored key and writes them again, so no lead is missed because its keys came from older code.
 */
export const screeningNameKeyScheme: Migration = {
  version: 32,
  name: 'screening-name-key-scheme',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('screening_name_key_scheme')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addColumn('set_at', 'text', (c) => c.notNull())
      .execute();
  },
};
