import { sql, type Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Draft org versions under maker-checker (docs/access.md "Maker-checker for org versions"): what a maker
 * asked to publish, against which version in force, the per-entity diff and simulation the checker sees,
 * and who decided it when. A draft is never edited after it is decided; a change is a new draft.
 */
export const orgDrafts: Migration = {
  version: 10,
  name: 'org-drafts',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('org_drafts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending_approval','published','rejected')`))
      .addColumn('classification', 'text', (c) => c.notNull().check(sql`classification in ('unchanged','roster-only','sensitive')`))
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('base_hash', 'text', (c) => c.notNull())
      .addColumn('draft_hash', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('config_json', 'text', (c) => c.notNull())
      .addColumn('diff_json', 'text', (c) => c.notNull())
      .addColumn('simulation_json', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('decision_reason', 'text')
      .execute();
    await db.schema.createIndex('org_drafts_status').on('org_drafts').columns(['status', 'requested_at']).execute();
  },
};
