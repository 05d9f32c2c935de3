import type { Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import type { Migration } from './migration.ts';

/**
 * One b-tree fewer written per lead on SQLite (issue 18, docs/performance.md "Lane sqlcpu2"): SQLite never read
 * `leads_rep_status (rep_id, status)`. Every reader that filters leads by rep orders by `(received_at, id)`
 * (`leads.list`, `leads.page`), and SQLite's planner takes `leads_page_rep (rep_id, received_at, id)` for it with or
 * without this index (no sort; a status filter applied on the way); nothing counts by rep and status. It was written on
 * every lead insert and every status or rep change. PostgreSQL keeps it: its planner does use it for a rep and a status
 * together (a bitmap scan of only the rep's leads in that status), and this lane measured SQLite.
 */
export const dropLeadsRepStatus: Migration = {
  version: 46,
  name: 'drop-leads-rep-status',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    if (dialect !== 'sqlite') return;
    await db.schema.dropIndex('leads_rep_status').execute();
  },
};
