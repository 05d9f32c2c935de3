import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * CRM write-backs (docs/crm.md): one row per decision to write back to a CRM record, written in the transaction of the
 * decision, so a rolled-back change leaves none and a crash loses none. The worker claims due rows with compare-and-set
 * on `next_attempt_at`; a newer row for the same (target, record) supersedes an unsent older one.
 */
export const crmWritebacks: Migration = {
  version: 24,
  name: 'crm-writebacks',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('crm_writebacks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lead_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('update_json', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('superseded_by', 'text')
      .execute();
    await db.schema.createIndex('crm_writebacks_due').on('crm_writebacks').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('crm_writebacks_record').on('crm_writebacks').columns(['target_id', 'record_id', 'status']).execute();
    await db.schema.createIndex('crm_writebacks_lead').on('crm_writebacks').columns(['lead_id']).execute();
  },
};
