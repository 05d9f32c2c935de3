import { type Kysely, sql } from 'kysely';
import { StoreInputError } from '../store-errors.ts';
import type { Database } from './schema.ts';

/**
 * Keyset pagination in (sortColumn, id) order: the rows after the cursor row `after` (its id).
 * An unknown cursor is bad input, not an empty page.
 */
export async function afterCursor(
  db: Kysely<Database>,
  table: 'leads' | 'reviews' | 'deliveries',
  sortColumn: string,
  after: string,
  what: string,
) {
  const sortKey = sql.ref(`${table}.${sortColumn}`);
  const id = sql.ref(`${table}.id`);
  const { rows } = await sql<{
    k: string;
    id: string;
  }>`select ${sortKey} as k, ${id} as id from ${sql.table(table)} where ${id} = ${after}`.execute(db);
  const c = rows[0];
  if (!c) throw new StoreInputError(`unknown cursor: no ${what} ${JSON.stringify(after)}`);
  return sql<boolean>`(${sortKey}, ${id}) > (${c.k}, ${c.id})`;
}
