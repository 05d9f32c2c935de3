import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import type { Migration } from './migration.ts';

/**
 * A generation counter per rarely changing table, kept by the database itself (issue 18, docs/storage.md "Table
 * generations"): every insert, update or delete of the table (whoever makes it, any instance) bumps its row in
 * `table_generations` in the same transaction. An instance keeps the decoded rows in memory and reads them again only
 * when the counter moved, so a lead reads one small row set instead of the whole tables. For `users`, only the columns
 * a UserRecord is made of count (sign-in bookkeeping — failed attempts, TOTP steps, passwords — does not move it).
 */
const GENERATION_TABLES: readonly { readonly table: string; readonly columns?: readonly string[] }[] = [
  { table: 'org_activations' },
  {
    table: 'users',
    columns: ['id', 'name', 'email', 'status', 'roles_json', 'rep_id', 'created_at', 'created_by', 'updated_at', 'version'],
  },
  { table: 'notification_preferences' },
  { table: 'webhook_subscriptions' },
];

async function sqliteTriggers<DB>(db: Kysely<DB>, table: string, columns: readonly string[] | undefined): Promise<void> {
  const bump = `UPDATE table_generations SET generation = generation + 1 WHERE name = '${table}'`;
  for (const op of ['INSERT', 'UPDATE', 'DELETE'] as const) {
    const on = op === 'UPDATE' && columns ? `UPDATE OF ${columns.join(', ')}` : op;
    await sql.raw(`CREATE TRIGGER ${table}_generation_${op.toLowerCase()} AFTER ${on} ON ${table} BEGIN ${bump}; END`).execute(db);
  }
}

async function postgresTriggers<DB>(db: Kysely<DB>, table: string, columns: readonly string[] | undefined): Promise<void> {
  // One bump per statement, not per row; TRUNCATE counts too.
  const update = columns ? `UPDATE OF ${columns.join(', ')}` : 'UPDATE';
  await sql
    .raw(
      `CREATE TRIGGER ${table}_generation AFTER INSERT OR ${update} OR DELETE ON ${table} ` +
        `FOR EACH STATEMENT EXECUTE FUNCTION remit_bump_generation()`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_generation_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION remit_bump_generation()`,
    )
    .execute(db);
}

async function createGenerationTable<DB>(db: Kysely<DB>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('table_generations')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .execute();
  for (const { table } of GENERATION_TABLES)
    await sql.raw(`INSERT INTO table_generations (name, generation) VALUES ('${table}', 1)`).execute(db);
  if (dialect === 'postgres')
    await sql
      .raw(
        // The counters of the changed table's own schema, whatever the session's search_path (a change made by hand).
        `CREATE FUNCTION remit_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ` +
          `EXECUTE format('UPDATE %I.table_generations SET generation = generation + 1 WHERE name = $1', TG_TABLE_SCHEMA) ` +
          `USING TG_TABLE_NAME; RETURN NULL; END $$`,
      )
      .execute(db);
}

/** The triggers that bump `table`'s counter (its row in `table_generations` must exist); also used by later migrations. */
export async function generationTriggers<DB>(
  db: Kysely<DB>,
  dialect: StoreDialect,
  table: string,
  columns: readonly string[] | undefined,
): Promise<void> {
  if (dialect === 'sqlite') await sqliteTriggers(db, table, columns);
  else await postgresTriggers(db, table, columns);
}

export const tableGenerations: Migration = {
  version: 35,
  name: 'table-generations',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    await createGenerationTable(db, dialect);
    for (const { table, columns } of GENERATION_TABLES) await generationTriggers(db, dialect, table, columns);
  },
};
