import type { Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import { appendOnly } from './append-only.ts';
import type { Migration } from './migration.ts';

/**
 * Which published org version is in force, and since when (docs/routing.md): an append-only history; the
 * latest row is current. Every instance reads it, so a version published through one instance is
 * what all route with, also after a restart.
 */
export const orgActivations: Migration = {
  version: 6,
  name: 'org-activations',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    const pg = dialect === 'postgres';
    await db.schema
      .createTable('org_activations')
      .addColumn('seq', pg ? 'bigint' : 'integer', (c) =>
        pg ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('hash', 'text', (c) => c.notNull().references('org_versions.hash'))
      .addColumn('activated_at', 'text', (c) => c.notNull())
      .addColumn('activated_by', 'text', (c) => c.notNull())
      .execute();
    await appendOnly(db, dialect, 'org_activations');
  },
};
