import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Bulk reassignments (docs/operations.md "Reassignment"): one row per operation that moved a rep's open leads
 * away (who asked, why, when it started and finished, what came of it) and one row per lead it re-decided,
 * so the operation can be read back as a whole after the per-lead decisions and audit entries are sealed.
 */
export const reassignments: Migration = {
  version: 16,
  name: 'reassignments',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('reassignments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('from_rep', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('org_hash', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('lead_count', 'integer', (c) => c.notNull())
      .addColumn('assigned_count', 'integer', (c) => c.notNull())
      .addColumn('queued_count', 'integer', (c) => c.notNull())
      .addColumn('refused_count', 'integer', (c) => c.notNull())
      .addColumn('held_count', 'integer', (c) => c.notNull())
      .addColumn('nurture_count', 'integer', (c) => c.notNull())
      .addColumn('skipped_count', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reassignments_from_rep').on('reassignments').columns(['from_rep', 'started_at']).execute();
    await db.schema
      .createTable('reassignment_items')
      .addColumn('reassignment_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('lead_id', 'text', (c) => c.notNull())
      .addColumn('from_rep', 'text', (c) => c.notNull())
      .addColumn('to_rep', 'text')
      .addColumn('to_team', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('decision_id', 'text')
      .addColumn('reason_codes_json', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('reassignment_items_pk', ['reassignment_id', 'seq'])
      .execute();
    await db.schema.createIndex('reassignment_items_lead').on('reassignment_items').columns(['lead_id']).execute();
  },
};
