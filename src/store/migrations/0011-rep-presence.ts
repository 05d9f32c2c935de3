import { sql, type Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Rep presence (docs/access.md "Rep self-service"): a rep marks themselves away or back. One row per
 * rep that ever set it; routing reads the away ones as an input of the decision. Who changed it and
 * what it was before go to the audit trail.
 */
export const repPresence: Migration = {
  version: 11,
  name: 'rep-presence',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('rep_presence')
      .addColumn('rep_id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('available','away')`))
      .addColumn('since', 'text', (c) => c.notNull())
      .addColumn('until', 'text')
      .addColumn('set_by', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .execute();
    await db.schema.createIndex('rep_presence_status').on('rep_presence').column('status').execute();
  },
};
