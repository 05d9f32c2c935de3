import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';

/**
 * Kysely over the built-in `node:sqlite` (no native addon). Kysely's SqliteDialect expects a
 * better-sqlite3-like database; this adapts DatabaseSync to it, and makes every transaction take
 * the write lock at BEGIN (`BEGIN IMMEDIATE`) so that two processes on one file queue on the
 * busy timeout instead of one failing with SQLITE_BUSY halfway through a transaction.
 */

const STATEMENT_CACHE_SIZE = 256;

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new TypeError(`cannot bind a ${typeof value} to an SQLite parameter; serialise it first`);
}

const bind = (params: ReadonlyArray<unknown>): SQLInputValue[] => params.map(toSqlite);

/** What guards the file's writes (sqlite-file-watch.ts): checked before every write, told of every driver error. */
export interface SqliteWriteGate {
  /** Throws when the store may not be written to. */
  assertWritable(): void;
  /** The error to raise instead of a driver error (a fault it reveals), or the error itself. */
  translate(error: unknown): unknown;
}

/**
 * Which statements pass the write gate: a transaction's BEGIN and COMMIT (a fault found in between
 * rolls the transaction back), and a data change outside a transaction (it commits on its own).
 */
type GateAt = 'always' | 'outside-transaction' | 'never';

function gateOf(sqlText: string): GateAt {
  const verb = /^\s*([a-z]+)/i.exec(sqlText)?.[1]?.toLowerCase();
  if (verb === 'begin' || verb === 'commit' || verb === 'end') return 'always';
  if (verb === 'insert' || verb === 'update' || verb === 'delete' || verb === 'replace') return 'outside-transaction';
  return 'never';
}

interface CachedStatement {
  readonly stmt: StatementSync;
  readonly reader: boolean;
  readonly gate: GateAt;
}

export class NodeSqliteDatabase implements SqliteDatabase {
  readonly raw: DatabaseSync;
  readonly #gate: SqliteWriteGate | null;
  readonly #cache = new Map<string, CachedStatement>();

  constructor(raw: DatabaseSync, gate: SqliteWriteGate | null = null) {
    this.raw = raw;
    this.#gate = gate;
  }

  #guarded<T>(entry: CachedStatement, run: () => T): T {
    const gate = this.#gate;
    if (!gate) return run();
    if (entry.gate === 'always' || (entry.gate === 'outside-transaction' && !this.raw.isTransaction)) gate.assertWritable();
    try {
      return run();
    } catch (e) {
      throw gate.translate(e);
    }
  }

  #statement(sqlText: string): CachedStatement {
    const hit = this.#cache.get(sqlText);
    if (hit) {
      // Refresh its position: the cache evicts the least recently used statement.
      this.#cache.delete(sqlText);
      this.#cache.set(sqlText, hit);
      return hit;
    }
    let stmt: StatementSync;
    try {
      stmt = this.raw.prepare(sqlText);
    } catch (e) {
      throw this.#gate ? this.#gate.translate(e) : e;
    }
    const entry: CachedStatement = { stmt, reader: stmt.columns().length > 0, gate: gateOf(sqlText) };
    this.#cache.set(sqlText, entry);
    if (this.#cache.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return entry;
  }

  prepare(sqlText: string): SqliteStatement {
    const entry = this.#statement(sqlText);
    const { stmt, reader } = entry;
    return {
      reader,
      all: (params) => this.#guarded(entry, () => stmt.all(...bind(params))),
      run: (params) =>
        this.#guarded(entry, () => {
          const r = stmt.run(...bind(params));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        }),
      iterate: (params) => this.#guarded(entry, () => stmt.iterate(...bind(params)) as IterableIterator<unknown>),
    };
  }

  close(): void {
    this.#cache.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}

/** A FIFO async lock. */
class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

/**
 * One write lock per database file per process. node:sqlite is synchronous: a second connection of
 * the same process waiting in SQLite's busy handler would block the event loop, so the connection
 * holding the lock could never finish and both would time out. Handles of one process therefore
 * queue here, asynchronously, and only other processes wait in the busy handler.
 */
const fileLocks = new Map<string, AsyncMutex>();

/**
 * Holds this process's write queue for a file (fileKey as given to NodeSqliteDialect) while `fn` runs:
 * transactions of every handle of the process wait for it asynchronously, the event loop stays free.
 * The background checkpointer restarts the WAL this way (background-checkpointer.ts).
 */
export async function whileWritesHeld<T>(fileKey: string, fn: () => Promise<T>): Promise<T> {
  const lock = fileLocks.get(fileKey) ?? new AsyncMutex();
  fileLocks.set(fileKey, lock);
  const release = await lock.lock();
  try {
    return await fn();
  } finally {
    release();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #database: NodeSqliteDatabase;
  readonly #fileLock: AsyncMutex | null;
  #release: (() => void) | null = null;

  constructor(database: NodeSqliteDatabase, fileKey: string | null) {
    super({ database });
    this.#database = database;
    if (fileKey === null) this.#fileLock = null;
    else {
      const lock = fileLocks.get(fileKey) ?? new AsyncMutex();
      fileLocks.set(fileKey, lock);
      this.#fileLock = lock;
    }
  }

  #unlock(): void {
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#fileLock) this.#release = await this.#fileLock.lock();
    try {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    } catch (e) {
      this.#unlock();
      throw e;
    }
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
    this.#unlock();
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); keep the original error.
      if (this.#database.raw.isTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
    } finally {
      this.#unlock();
    }
  }
}

export class NodeSqliteDialect implements Dialect {
  readonly #database: NodeSqliteDatabase;
  readonly #fileKey: string | null;
  /** fileKey: the resolved path of the database file (null for :memory:). */
  constructor(database: NodeSqliteDatabase, fileKey: string | null) {
    this.#database = database;
    this.#fileKey = fileKey;
  }
  createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#database, this.#fileKey);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's own signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** SQLITE_BUSY / SQLITE_LOCKED (any extended code): the lock was not free within busy_timeout. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}

export { DatabaseSync };
