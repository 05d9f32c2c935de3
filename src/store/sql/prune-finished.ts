import type { Kysely } from 'kysely';
import { requireInstant } from './input-checks.ts';
import type { Database } from './schema.ts';

/** Delivery tables whose finished rows a retention run deletes by age: webhook deliveries and notifications. */
type DeliveryTable = 'deliveries' | 'notifications';

/** Deletes (dry run: counts) the rows of `table` in one of the finished `statuses` created before `before`. */
export async function pruneFinishedRows(
  db: Kysely<Database>,
  table: DeliveryTable,
  statuses: readonly string[],
  before: string,
  dryRun: boolean,
): Promise<number> {
  requireInstant(before, 'before');
  if (dryRun) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', 'in', statuses)
      .where('created_at', '<', before)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
  const r = await db.deleteFrom(table).where('status', 'in', statuses).where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
