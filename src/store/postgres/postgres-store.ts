import { Kysely, PostgresDialect, sql, type Driver } from 'kysely';
import pg from 'pg';
import { migrate } from '../migrations/runner.ts';
import type { Database } from '../sql/schema.ts';
import { createSqlStore } from '../sql/sql-store.ts';
import { POSTGRES_BATCHING, WriteBatchingDriver } from '../sql/write-batching-driver.ts';
import { StoreInputError } from '../store-errors.ts';
import type { Store, StoreCapabilities, StoreHealth } from '../unit-of-work.ts';

export interface PostgresStoreOptions {
  /** postgres://user@host:port/db[?schema=name] */
  readonly url: string;
  /**
   * Schema holding Remit's tables (created if missing, put first on search_path). Default: the
   * `schema` query parameter of the url, else the server's default search_path (public).
   */
  readonly schema?: string | undefined;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** Apply pending migrations on open. Default true. */
  readonly migrate?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Deadlock detected, serialisation failure: the transaction was rolled back and may be re-run. */
export function isPostgresRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

export function parsePostgresUrl(url: string, schema?: string): { connectionString: string; schema: string | undefined } {
  const u = new URL(url);
  const fromUrl = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  const chosen = schema ?? fromUrl;
  if (chosen !== undefined && !SCHEMA_NAME.test(chosen))
    throw new StoreInputError(`PostgreSQL schema name ${JSON.stringify(chosen)} must match ${SCHEMA_NAME}`);
  return { connectionString: u.toString(), schema: chosen };
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const { connectionString, schema } = parsePostgresUrl(opts.url, opts.schema);
  const pool = new pg.Pool({
    connectionString,
    max: opts.poolSize ?? 10,
    // A transaction's statements that do not wait for each other's answers share a round trip (write-batching-driver.ts).
    pipeline: true,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // Nor a client whose connection drops while checked out (its query fails; /ready reports STORE_UNREACHABLE).
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new WriteBatchingPostgresDialect({ pool }) });
  const capabilities: StoreCapabilities = { dialect: 'postgres', rowLocks: true, concurrentProcesses: true, multiInstance: true };
  try {
    if (opts.migrate ?? true) await migrate(db, { dialect: 'postgres', schema });
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return createSqlStore({ db, capabilities, isRetryable: isPostgresRetryable, health: () => postgresHealth(db) });
}

/** PostgreSQL, with a lead's deferrable writes sent together (write-batching-driver.ts). */
class WriteBatchingPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new WriteBatchingDriver(super.createDriver(), POSTGRES_BATCHING);
  }
}

/** How long /ready waits for PostgreSQL to answer before reporting it unreachable. */
const HEALTH_TIMEOUT_MS = 3_000;

/** One round trip (`select 1`), bounded: a database that does not answer in time is unreachable. */
async function postgresHealth(db: Kysely<Database>): Promise<StoreHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
    return { kind: 'healthy', integrityCheckedAt: null };
  } catch (e) {
    const detail = `PostgreSQL does not answer: ${(e as Error).message}`;
    return { kind: 'faulted', reason: 'STORE_UNREACHABLE', detail, since: new Date().toISOString() };
  } finally {
    clearTimeout(timer);
  }
}
