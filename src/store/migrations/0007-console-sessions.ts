import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Console sessions in the store (docs/console.md), so every instance behind a load balancer knows every
 * session. Keyed by a hash of the cookie value; the cookie itself and the API key are never stored.
 */
export const consoleSessions: Migration = {
  version: 7,
  name: 'console-sessions',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_expires').on('console_sessions').column('expires_at').execute();
  },
};
