import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Screening list versions in force per configured source, and reloads waiting for a second
 * approver (docs/screening.md). On start every instance compares the files on disk with the version in
 * force, so a list swapped while the service was down is noticed (docs/screening.md).
 */
export const screeningLists: Migration = {
  version: 8,
  name: 'screening-lists',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('screening_list_versions')
      .addColumn('source_id', 'text', (c) => c.primaryKey())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('entry_count', 'integer', (c) => c.notNull())
      .addColumn('loaded_at', 'text', (c) => c.notNull())
      .addColumn('loaded_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('screening_list_reloads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('old_sha256', 'text')
      .addColumn('old_entry_count', 'integer')
      .addColumn('new_sha256', 'text', (c) => c.notNull())
      .addColumn('new_entry_count', 'integer', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .execute();
    await db.schema.createIndex('screening_list_reloads_source').on('screening_list_reloads').columns(['source_id', 'status']).execute();
  },
};
