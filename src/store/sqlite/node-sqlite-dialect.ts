import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type SqliteStatement,
} from 'kysely';
import { GroupCommitSqliteDriver, type GroupCommitDatabase, type GroupCommitOptions } from './group-commit-driver.ts';

/**
 * Kysely over the built-in `node:sqlite` (no native addon). Kysely's SqliteDialect expects a
 * better-sqlite3-like database; this adapts DatabaseSync to it, and makes every transaction take
 * the write lock at BEGIN (`BEGIN IMMEDIATE`) so that two processes on one file queue on the
 * busy timeout instead of one failing with SQLITE_BUSY halfway through a transaction. Transactions
 * of one handle that queue behind each other share a COMMIT (group-commit-driver.ts).
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

export class NodeSqliteDatabase implements GroupCommitDatabase {
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

  assertWritable(): void {
    this.#gate?.assertWritable();
  }

  close(): void {
    this.#cache.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}

export class NodeSqliteDialect implements Dialect {
  readonly #database: NodeSqliteDatabase;
  readonly #fileKey: string | null;
  readonly #groupCommit: GroupCommitOptions;
  /** fileKey: the resolved path of the database file (null for :memory:); groupCommit: group-commit-driver.ts. */
  constructor(database: NodeSqliteDatabase, fileKey: string | null, groupCommit: GroupCommitOptions = {}) {
    this.#database = database;
    this.#fileKey = fileKey;
    this.#groupCommit = groupCommit;
  }
  createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.#database, this.#fileKey, this.#groupCommit);
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
