import { sql, type Kysely } from 'kysely';
import type { OperationalCounts } from '../unit-of-work.ts';
import type { Database } from './schema.ts';

/**
 * The figures `GET /metrics` reads on each scrape, in one round trip: every count is served by an
 * index (leads by status, deliveries by status) or a small table (the audit inbox, drained every
 * ~200 ms). Plain SQL that both dialects run; PostgreSQL counts arrive as strings.
 */
export async function operationalCounts(db: Kysely<Database>): Promise<OperationalCounts> {
  const { rows } = await sql<{ queued: unknown; pending: unknown; unsealed: unknown; oldest: string | null }>`
    select (select count(*) from leads where status = 'QUEUED') as queued,
           (select count(*) from deliveries where status = 'PENDING') as pending,
           (select count(*) from audit_inbox) as unsealed,
           (select min(at) from audit_inbox) as oldest`.execute(db);
  const row = rows[0];
  return {
    queuedLeads: Number(row?.queued ?? 0),
    pendingDeliveries: Number(row?.pending ?? 0),
    unsealedAuditEntries: Number(row?.unsealed ?? 0),
    oldestUnsealedAt: row?.oldest ?? null,
  };
}
