import { sql, type Kysely } from 'kysely';
import type { Migration } from './migration.ts';

// Literal copy, not an import: a released migration must not change when the port grows.
const SUPPRESSION_KINDS = `('email','phone','domain')`;

/**
 * Do-not-contact lists (docs/conduct.md, docs/sources.md `remit import --kind suppression`): one row per
 * suppressed email address, E.164 phone number or email domain, keyed by (kind, value).
 */
export const suppressions: Migration = {
  version: 3,
  name: 'suppressions',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('suppressions')
      .addColumn('kind', 'text', (c) => c.notNull().check(sql.raw(`kind in ${SUPPRESSION_KINDS}`)))
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('suppressions_pk', ['kind', 'value'])
      .execute();
  },
};
