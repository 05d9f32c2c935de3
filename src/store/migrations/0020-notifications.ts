import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Notification deliveries (docs/notifications.md): one row per (outbox event, channel, recipient), written in the
 * transaction of the change it announces, so a rolled-back change leaves none and a crash loses none. The worker
 * claims due rows with compare-and-set on `next_attempt_at`, so two instances never send the same row twice.
 */
export const notifications: Migration = {
  version: 20,
  name: 'notifications',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    // Per-person opt-outs (PUT /v1/me/notifications): JSON {email: {assignment, refusal, hold}}; no row = everything on.
    await db.schema
      .createTable('notification_preferences')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('preferences_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('notifications_due').on('notifications').columns(['status', 'next_attempt_at']).execute();
  },
};
