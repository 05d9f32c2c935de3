import type { Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import type { Migration } from './migration.ts';

/**
 * Fewer b-trees written per lead on SQLite (issue 18, docs/performance.md "Lane sqlcpu2" and "Lane sqlite3"): two
 * indexes written on every lead that no SQLite query reads (`EXPLAIN QUERY PLAN` of every reader, with and without).
 * - `leads_rep_status (rep_id, status)`: every reader by rep orders by `(received_at, id)` (`leads.list`, `leads.page`),
 *   and SQLite's planner takes `leads_page_rep (rep_id, received_at, id)` for it with or without this index (no sort;
 *   a status filter applied on the way); nothing counts by rep and status. Written on every insert and rep/status change.
 * - `outbox_events_created (created_at, event_id)`: the outbox is append-only and only ever joined by its primary key
 *   (deliveries and notifications by `event_id`); nothing orders, filters or prunes it by time.
 * PostgreSQL keeps both: its planner does use `leads_rep_status` for a rep and a status together, and this lane measured
 * SQLite only. Kept on SQLite, because a reader needs them: `decisions_lead` and `sla_timers_lead` (a lead's decisions
 * and timers; erasure; cancelling a lead's timers), `decisions_decided` (the refusals metrics page reads decisions in
 * that order: without it a sort of every refused and held decision).
 */
export const dropUnreadSqliteIndexes: Migration = {
  version: 46,
  name: 'drop-unread-sqlite-indexes',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    if (dialect !== 'sqlite') return;
    await db.schema.dropIndex('leads_rep_status').execute();
    await db.schema.dropIndex('outbox_events_created').execute();
  },
};
