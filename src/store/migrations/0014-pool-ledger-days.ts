import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Declared pools (docs/routing.md "Declared pools"): a member's per-day cap needs the pool's own day
 * counter next to its ledger entry — the rep-local day of the member's last lead from the pool and how
 * many it gave that day. Undeclared pools never set them (`day` stays null), so their entries read as before.
 */
export const poolLedgerDays: Migration = {
  version: 14,
  name: 'pool-ledger-days',
  async up<DB>(db: Kysely<DB>) {
    await db.schema.alterTable('routing_ledger').addColumn('day', 'text').execute();
    await db.schema
      .alterTable('routing_ledger')
      .addColumn('today', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
