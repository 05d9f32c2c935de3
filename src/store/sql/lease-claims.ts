import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Tables of outbound work claimed by a due time: one row per delivery, PENDING until sent or dead. */
type LeasedTable = 'notifications' | 'crm_writebacks';

/**
 * Leases due rows by compare-and-set: a row's due time moves to `leaseUntil` only if it still has the value read, so of
 * two instances racing for a row exactly one wins it. Returns the rows won, with their new due time.
 */
export async function leaseDueRows<R extends { readonly id: string; readonly next_attempt_at: string }>(
  db: Kysely<Database>,
  table: LeasedTable,
  due: readonly R[],
  leaseUntil: string,
): Promise<R[]> {
  const won: R[] = [];
  for (const row of due) {
    // Compare-and-set: only the instance that still sees the due time it read moves it; a racing one updates nothing.
    const r = await db
      .updateTable(table)
      .set({ next_attempt_at: leaseUntil })
      .where('id', '=', row.id)
      .where('status', '=', 'PENDING')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) won.push({ ...row, next_attempt_at: leaseUntil });
  }
  return won;
}
