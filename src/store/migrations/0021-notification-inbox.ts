import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * The console inbox (docs/notifications.md "Inbox"): an `inbox` notification row is the message itself (recipient =
 * the person's user id), so it only needs a read mark and an index for "my rows, newest first".
 */
export const notificationInbox: Migration = {
  version: 21,
  name: 'notification-inbox',
  async up<DB>(db: Kysely<DB>) {
    await db.schema.alterTable('notifications').addColumn('read_at', 'text').execute();
    await db.schema.createIndex('notifications_inbox').on('notifications').columns(['channel', 'recipient', 'created_at', 'id']).execute();
  },
};
