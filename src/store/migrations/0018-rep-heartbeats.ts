import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Console heartbeats (docs/operations.md "Auto-away"): when each rep's console was last active. One row per rep
 * that ever sent one; the auto-away worker reads it to mark idle reps away during their working hours.
 */
export const repHeartbeats: Migration = {
  version: 18,
  name: 'rep-heartbeats',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('rep_heartbeats')
      .addColumn('rep_id', 'text', (c) => c.primaryKey())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .execute();
  },
};
