import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Tables of outbound work claimed by a due time: one row per delivery, PENDING until sent or dead. */
type LeasedTable = 'notifications' | 'crm_writebacks';

/**
 * Leases due rows by compare-and-set, a group at a time: a group's rows (one delivery, or every row of a digest sent as
 * one message) move their due time to `leaseUntil` in one statement, and only if they still have the due time read,
 * so of two instances racing for a group exactly one wins all of it. A group that moves only in part (a racer read it
 * before a late row joined it) is not returned: the rows leased here are sent after the lease, so none is sent twice
 * and none is lost. Returns the rows won, group after group, with their new due time.
 */
export async function leaseDueGroups<R extends { readonly id: string; readonly next_attempt_at: string }>(
  db: Kysely<Database>,
  table: LeasedTable,
  groups: readonly (readonly R[])[],
  leaseUntil: string,
): Promise<R[]> {
  const won: R[] = [];
  for (const group of groups) {
    const [first] = group;
    // Empty: a racing instance leased the whole group between the caller's reads.
    if (!first) continue;
    const r = await db
      .updateTable(table)
      .set({ next_attempt_at: leaseUntil })
      .where(
        'id',
        'in',
        group.map((row) => row.id),
      )
      .where('status', '=', 'PENDING')
      .where('next_attempt_at', '=', first.next_attempt_at)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === group.length) won.push(...group.map((row) => ({ ...row, next_attempt_at: leaseUntil })));
  }
  return won;
}
