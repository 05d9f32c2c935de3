import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import { deferredTableOf } from '../sql/deferred-writes.ts';

/**
 * Issue 18: a lead's transaction was ~26 round trips to PostgreSQL, most of them writes whose result nobody reads.
 * Inside a transaction this driver holds the writes the repositories marked deferrable (sql/deferred-writes.ts) and
 * sends them, as data-modifying `WITH` parts, together with the next other statement — or on their own just before
 * COMMIT. Every part of a `WITH` always runs exactly once and the statement succeeds or fails as a whole, so a failing
 * held write (a constraint, a trigger) fails that statement, the transaction rolls back and the caller gets the error.
 *
 * The parts of one statement share one snapshot: no part sees another's rows. Two rules keep that invisible:
 * - a held write of a table already held is not combined with it: the earlier ones are sent first (so rows of one table
 *   are also written in the order they were asked for: identity / sequence order is kept) — except two plain appends
 *   (`INSERT … VALUES` of the same columns, nothing after) of the table, which become one multi-row INSERT, the earlier
 *   rows first (PostgreSQL numbers one INSERT's rows in VALUES order);
 * - a statement that names (anywhere in its text) a table with a held write is not combined: the held writes are sent
 *   first, on their own (read-your-writes). Foreign-key checks run at the end of the statement and see every part.
 */
export class WriteBatchingDriver implements Driver {
  readonly #inner: Driver;
  readonly #connections = new WeakMap<DatabaseConnection, BatchingConnection>();

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#inner.acquireConnection();
    let wrapped = this.#connections.get(inner);
    if (!wrapped) {
      wrapped = new BatchingConnection(inner);
      this.#connections.set(inner, wrapped);
    }
    return wrapped;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = batching(connection);
    await this.#inner.beginTransaction(c, settings);
    c.holding = true;
  }

  /** COMMIT is a statement like any other: the held writes go first, on their own. */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = batching(connection);
    try {
      await this.#inner.commitTransaction(c);
    } finally {
      c.holding = false;
    }
  }

  /** What was held rolls back unsent. */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = batching(connection);
    c.discard();
    await this.#inner.rollbackTransaction(c);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = batching(connection);
    c.discard();
    await this.#inner.releaseConnection(c.inner);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

function batching(connection: DatabaseConnection): BatchingConnection {
  if (!(connection instanceof BatchingConnection)) throw new Error('WriteBatchingDriver was given a connection it did not make');
  return connection;
}

interface HeldWrite {
  readonly table: string;
  readonly query: CompiledQuery;
}

class BatchingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  /** Inside a transaction: deferrable writes are held. */
  holding = false;
  #held: HeldWrite[] = [];

  constructor(inner: DatabaseConnection) {
    this.inner = inner;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const table = deferredTableOf(query);
    if (this.holding && table !== undefined) {
      const same = this.#held.findIndex((h) => h.table === table);
      const appended = same < 0 ? undefined : appendRows(this.#held[same]!.query, query);
      if (appended) {
        this.#held[same] = { table, query: appended };
        return { rows: [] };
      }
      if (same >= 0) await this.flush();
      this.#held.push({ table, query });
      return { rows: [] };
    }
    if (this.#held.length === 0) return this.inner.executeQuery<R>(query);
    const held = this.#held;
    if (!combinable(query.sql, held)) {
      await this.flush();
      return this.inner.executeQuery<R>(query);
    }
    this.#held = [];
    return this.inner.executeQuery<R>(withHeldWrites(held, query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    await this.flush();
    yield* this.inner.streamQuery<R>(query, chunkSize);
  }

  /** Sends the held writes now (one statement), before a statement that may read them. */
  private async flush(): Promise<void> {
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    await this.inner.executeQuery(held.length === 1 ? held[0]!.query : withHeldWrites(held.slice(0, -1), held.at(-1)!.query));
  }

  /** The transaction ends without a commit: what was held is dropped with it, and later statements run at once. */
  discard(): void {
    this.#held = [];
    this.holding = false;
  }
}

/**
 * Whether `sql` may carry the held writes: it does not name any of their tables, and its text is plain enough to prefix
 * safely (no dollar quoting or comments that could hide a `$n`, not `WITH RECURSIVE`).
 */
function combinable(sql: string, held: readonly HeldWrite[]): boolean {
  if (/\$(?!\d)|--|\/\*/.test(sql) || /^\s*with\s+recursive\b/i.test(sql)) return false;
  if (!/^\s*(select|insert|update|delete|with)\b/i.test(sql)) return false;
  return held.every((h) => !namesTable(sql, h.table));
}

function namesTable(sql: string, table: string): boolean {
  return new RegExp(`(^|[^a-z0-9_])${table}($|[^a-z0-9_])`, 'i').test(sql);
}

/**
 * `WITH remit_held_1 AS (w1), … <main>`: the held writes as data-modifying parts of `main` (whose own leading WITH list,
 * if any, continues ours), their parameters first and `main`'s renumbered after them. Its result is `main`'s.
 */
function withHeldWrites(held: readonly { readonly query: CompiledQuery }[], main: CompiledQuery): CompiledQuery {
  const parameters: unknown[] = [];
  const parts = held.map((h, i) => {
    const sql = renumber(h.query.sql, parameters.length);
    parameters.push(...h.query.parameters);
    return `remit_held_${i + 1} as (${sql})`;
  });
  const mainSql = renumber(main.sql, parameters.length).trimStart();
  parameters.push(...main.parameters);
  const ownWith = /^with\s/i.exec(mainSql);
  const sql = ownWith ? `with ${parts.join(', ')}, ${mainSql.slice(ownWith[0].length)}` : `with ${parts.join(', ')} ${mainSql}`;
  return CompiledQuery.raw(sql, parameters);
}

/** `insert into "t" (columns) values ($1, …), …` and nothing else: a plain append whose rows another can join. */
const PLAIN_APPEND =
  /^(insert into "[a-z_]+" \("[a-z_]+"(?:, "[a-z_]+")*\) values )(\((?:\$\d+|default)(?:, (?:\$\d+|default))*\)(?:, \((?:\$\d+|default)(?:, (?:\$\d+|default))*\))*)$/;

/** The rows of `later` after those of `earlier` in one INSERT, when both are plain appends of the same columns. */
function appendRows(earlier: CompiledQuery, later: CompiledQuery): CompiledQuery | undefined {
  const a = PLAIN_APPEND.exec(earlier.sql);
  const b = PLAIN_APPEND.exec(later.sql);
  if (!a || !b || a[1] !== b[1]) return undefined;
  const rows = `${a[2]!}, ${renumber(b[2]!, earlier.parameters.length)}`;
  return CompiledQuery.raw(`${a[1]!}${rows}`, [...earlier.parameters, ...later.parameters]);
}

/** Adds `offset` to every `$n` placeholder outside quoted text and quoted identifiers. */
function renumber(sql: string, offset: number): string {
  if (offset === 0) return sql;
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (token, n: string | undefined) =>
    n === undefined ? token : `$${Number(n) + offset}`,
  );
}
