import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Notification digests (docs/notifications.md "Digests"): rows of one person's digest share a `digest_key` (with
 * channel and recipient); the worker claims and sends them together as one message. Null: a row sent on its own.
 */
export const notificationDigests: Migration = {
  version: 22,
  name: 'notification-digests',
  async up<DB>(db: Kysely<DB>) {
    await db.schema.alterTable('notifications').addColumn('digest_key', 'text').execute();
    await db.schema.createIndex('notifications_digest').on('notifications').columns(['channel', 'recipient', 'digest_key']).execute();
    // Retention deletes finished rows by age.
    await db.schema.createIndex('notifications_finished').on('notifications').columns(['status', 'created_at']).execute();
  },
};
