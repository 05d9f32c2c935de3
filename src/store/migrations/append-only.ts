import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';

/**
 * Makes a table append-only in the database itself: UPDATE and DELETE (and TRUNCATE on PostgreSQL)
 * are rejected whatever the client. PostgreSQL uses remit_append_only(), created by migration 0001.
 */
export async function appendOnly<DB>(
  db: Kysely<DB>,
  dialect: StoreDialect,
  table: string,
  ops: readonly ('UPDATE' | 'DELETE')[] = ['UPDATE', 'DELETE'],
): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ops) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is ` +
            `append-only'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(`CREATE TRIGGER ${table}_append_only BEFORE ${ops.join(' OR ')} ON ${table} FOR EACH ROW EXECUTE FUNCTION remit_append_only()`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION remit_append_only()`)
    .execute(db);
}
