import { sql, type Kysely } from 'kysely';
import { MigrationError } from '../store-errors.ts';
import type { StoreDialect } from '../unit-of-work.ts';
import { MIGRATIONS } from './index.ts';
import type { Migration } from './migration.ts';

export const MIGRATIONS_TABLE = 'remit_migrations';

/** Advisory lock class id for "migrating" ('REMI'); the object id is a hash of the schema name. */
const LOCK_CLASS = 0x52454d49;

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0; // signed int4
}

export function checkMigrationList(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous)
      throw new MigrationError(
        `migration versions must be positive integers in ascending order; ${m.version} (${m.name}) follows ${previous}`,
      );
    previous = m.version;
  }
}

export interface MigrateOptions {
  readonly dialect: StoreDialect;
  /** PostgreSQL schema to create (if missing) and migrate; it must be first on the connection's search_path. */
  readonly schema?: string | undefined;
  readonly migrations?: readonly Migration[];
  readonly now?: () => string;
}

/**
 * Applies pending migrations in ONE transaction and records each in remit_migrations; idempotent.
 * Concurrent runners serialise: PostgreSQL on a transaction-scoped advisory lock keyed by the
 * schema, SQLite on the write lock its transactions take at BEGIN (IMMEDIATE). A failing migration
 * rolls back every migration of the run. Returns the versions applied by this call.
 */
export async function migrate<DB>(db: Kysely<DB>, opts: MigrateOptions): Promise<number[]> {
  const migrations = opts.migrations ?? MIGRATIONS;
  checkMigrationList(migrations);
  const now = opts.now ?? (() => new Date().toISOString());
  return db.transaction().execute(async (trx) => {
    if (opts.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(${LOCK_CLASS}::int4, ${fnv1a32(opts.schema ?? 'public')}::int4)`.execute(trx);
      if (opts.schema) await trx.schema.createSchema(opts.schema).ifNotExists().execute();
    }
    await trx.schema
      .createTable(MIGRATIONS_TABLE)
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const rows = await sql<{ version: number }>`select version from ${sql.table(MIGRATIONS_TABLE)} order by version`.execute(trx);
    const applied = new Set(rows.rows.map((r) => Number(r.version)));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new MigrationError(
        `the database has migrations this version of Remit does not know (${unknown.join(', ')}): it was migrated by a newer release`,
      );
    }
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      try {
        await m.up(trx, opts.dialect);
      } catch (e) {
        throw new MigrationError(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
      }
      await sql`insert into ${sql.table(MIGRATIONS_TABLE)} (version, name, applied_at) values (${m.version}, ${m.name}, ${now()})`.execute(
        trx,
      );
      done.push(m.version);
    }
    return done;
  });
}

export async function appliedMigrations<DB>(db: Kysely<DB>): Promise<number[]> {
  const rows = await sql<{ version: number }>`select version from ${sql.table(MIGRATIONS_TABLE)} order by version`.execute(db);
  return rows.rows.map((r) => Number(r.version));
}
