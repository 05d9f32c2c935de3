import { type Kysely, sql } from 'kysely';
import { StoreInputError } from '../store-errors.ts';
import type { Database } from './schema.ts';

/**
 * Keyset pagination in (sortColumn, id) order: the rows after the cursor row `after` (its id); `order` 'desc' for
 * newest-first pages (the rows before it). An unknown cursor is bad input, not an empty page.
 */
export async function afterCursor(
  db: Kysely<Database>,
  table: 'leads' | 'reviews' | 'deliveries' | 'notifications',
  sortColumn: string,
  after: string,
  what: string,
  order: 'asc' | 'desc' = 'asc',
) {
  const sortKey = sql.ref(`${table}.${sortColumn}`);
  const id = sql.ref(`${table}.id`);
  const { rows } = await sql<{
    k: string;
    id: string;
  }>`select ${sortKey} as k, ${id} as id from ${sql.table(table)} where ${id} = ${after}`.execute(db);
  const c = rows[0];
  if (!c) throw new StoreInputError(`unknown cursor: no ${what} ${JSON.stringify(after)}`);
  return sql<boolean>`(${sortKey}, ${id}) ${sql.raw(order === 'asc' ? '>' : '<')} (${c.k}, ${c.id})`;
}
