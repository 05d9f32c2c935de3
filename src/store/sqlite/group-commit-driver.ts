import type { DatabaseSync } from 'node:sqlite';
import { CompiledQuery, SelectQueryNode, type DatabaseConnection, type Driver, type QueryResult, type SqliteDatabase } from 'kysely';
import { fileWriteLock, type AsyncMutex } from './file-write-lock.ts';

/**
 * Group commit (issue 18): a WAL COMMIT writes every page its transaction dirtied, and consecutive leads dirty the same
 * right-most pages of the append-only b-trees. When a transaction of this handle ends within the group's bounds, its
 * SQLite transaction is not committed but handed on: the ending member releases its savepoint (or, the group's first,
 * ends nothing) and waits; the next transaction of the handle runs as `SAVEPOINT` inside the same `BEGIN IMMEDIATE`.
 * The group commits when a bound is reached, when a statement outside any transaction needs the handle, or when nobody
 * took the handle: at once if nobody waited for it, or (`nextTurn`, the default) at the next turn of the event loop —
 * node:sqlite answers synchronously, so a lead's whole transaction runs without yielding and the next lead's never
 * waits for it (measured: no waiter at any of 458 commits); it starts in the same turn, if at all. Only then is every
 * member's `commitTransaction` resolved (acknowledged ⇒ durable, as before). If COMMIT fails, every member gets the
 * error; a member that fails rolls back to its own savepoint and the others are unaffected.
 *
 * - Kysely's SqliteDriver serialises its one connection with a mutex held from acquireConnection to releaseConnection,
 *   and calls releaseConnection only after commitTransaction returned: a member waiting for the group's COMMIT would
 *   hold it and no member could follow. This driver keeps its own queue (HandleQueue) and gives each acquisition its own
 *   Lease, so a member hands the handle on inside commitTransaction and its later releaseConnection (and a rollback
 *   Kysely asks for after a failed group) is recognised as late and does nothing.
 * - Statements outside any transaction (reads, auto-commit writes) would run inside the open group and could see rows
 *   that a failed COMMIT takes back: the group commits before such a statement runs.
 * - Only this handle's users join: the file's process-wide write lock (file-write-lock.ts) is held from the group's BEGIN
 *   to its COMMIT, so other handles of the file and the background checkpointer wait for the COMMIT, as before.
 * - A member reads the rows of the members before it, uncommitted: if the group is lost (COMMIT failed, or SQLite rolled
 *   the transaction back itself) `onGroupLost` lets the store drop what it cached from them (table-generations.ts).
 */

export interface GroupCommitBounds {
  /** The most transactions one COMMIT covers; 1 turns grouping off. Default 16. */
  readonly maxMembers?: number;
  /** No transaction joins a group whose BEGIN is older than this, ms (the first member's added wait). Default 10. */
  readonly maxGroupMs?: number;
  /**
   * A member that ends with nobody waiting leaves the group open until the next turn of the event loop, for a
   * transaction that starts in this one (default true). false: only transactions already waiting join.
   */
  readonly nextTurn?: boolean;
}

export interface GroupCommitOptions extends GroupCommitBounds {
  /** A group of two or more members was rolled back: values read from its rows, uncommitted, must be forgotten. */
  readonly onGroupLost?: () => void;
  /** A group committed, with this many members (lone transactions included). */
  readonly onGroupCommitted?: (members: number) => void;
}

export const DEFAULT_GROUP_COMMIT = { maxMembers: 16, maxGroupMs: 10, nextTurn: true } as const;

/** What the driver needs of the database (node-sqlite-dialect.ts NodeSqliteDatabase). */
export interface GroupCommitDatabase extends SqliteDatabase {
  readonly raw: DatabaseSync;
  /** Throws when the store may not be written to (the write gate). */
  assertWritable(): void;
}

const BEGIN = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
// One name serves every member: members run one after the other, each released or rolled back before the next begins.
const SAVEPOINT = CompiledQuery.raw('savepoint remit_member');
const RELEASE = CompiledQuery.raw('release remit_member');
const ROLLBACK_TO = CompiledQuery.raw('rollback to remit_member');

/** A FIFO queue for the handle that tells how many wait. */
class HandleQueue {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  get waiting(): number {
    return this.#waiters.length;
  }

  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }
}

/** An SQLite transaction that may span several members. */
interface Group {
  readonly startedAt: number;
  /** Members begun in it (the first included). */
  members: number;
  /** Members that ended and wait for the COMMIT. */
  readonly waiting: Array<{ resolve(): void; reject(error: unknown): void }>;
  /** Releases the file's write lock. */
  readonly unlockFile: (() => void) | null;
  /** A commit at the next turn of the event loop is due (nextTurn). */
  turnArmed: boolean;
}

function execute<R>(db: SqliteDatabase, query: CompiledQuery): QueryResult<R> {
  const stmt = db.prepare(query.sql);
  if (stmt.reader) return { rows: stmt.all(query.parameters) as R[] };
  const { changes, lastInsertRowid } = stmt.run(query.parameters);
  return {
    numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
    insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
    rows: [],
  };
}

/** One acquisition of the handle (Kysely's SqliteConnection, told apart per holder). */
class Lease implements DatabaseConnection {
  /** Handed on (at a grouped commit) or released: later calls for it do nothing. */
  released = false;
  readonly #db: SqliteDatabase;
  readonly #before: () => void;
  readonly #failed: (error: unknown) => void;

  constructor(db: SqliteDatabase, before: () => void, failed: (error: unknown) => void) {
    this.#db = db;
    this.#before = before;
    this.#failed = failed;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.#before();
    try {
      return Promise.resolve(execute<R>(this.#db, query));
    } catch (e) {
      this.#failed(e);
      throw e;
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    this.#before();
    if (!SelectQueryNode.is(query.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    for (const row of this.#db.prepare(query.sql).iterate(query.parameters)) yield { rows: [row as R] };
  }
}

export class GroupCommitSqliteDriver implements Driver {
  readonly #database: GroupCommitDatabase;
  readonly #fileLock: AsyncMutex | null;
  readonly #maxMembers: number;
  readonly #maxGroupMs: number;
  readonly #nextTurn: boolean;
  readonly #onGroupLost: () => void;
  readonly #onGroupCommitted: (members: number) => void;
  readonly #queue = new HandleQueue();
  #holder: Lease | null = null;
  #group: Group | null = null;
  /** The connection (as Kysely hands it over) of the transaction running now, and whether it runs as a savepoint. */
  #member: DatabaseConnection | null = null;
  #nested = false;
  /** The last statement failure: what the waiting members get when SQLite rolled the whole transaction back itself. */
  #lastError: unknown = undefined;

  constructor(database: GroupCommitDatabase, fileKey: string | null, options: GroupCommitOptions = {}) {
    this.#database = database;
    this.#fileLock = fileKey === null ? null : fileWriteLock(fileKey);
    this.#maxMembers = Math.max(1, Math.floor(options.maxMembers ?? DEFAULT_GROUP_COMMIT.maxMembers));
    this.#maxGroupMs = Math.max(0, options.maxGroupMs ?? DEFAULT_GROUP_COMMIT.maxGroupMs);
    this.#nextTurn = options.nextTurn ?? DEFAULT_GROUP_COMMIT.nextTurn;
    this.#onGroupLost = options.onGroupLost ?? (() => {});
    this.#onGroupCommitted = options.onGroupCommitted ?? (() => {});
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#queue.acquire();
    const lease = new Lease(
      this.#database,
      () => {
        // Outside any member a statement would run inside the open group and could read rows that are never
        // committed, or commit with it: the group commits first.
        if (this.#group !== null && this.#member === null) this.#endGroup();
      },
      (e) => (this.#lastError = e),
    );
    this.#holder = lease;
    return lease;
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return;
    lease.released = true;
    this.#holder = null;
    // Left open by a member that rolled back, or for a holder that ran nothing: nobody else will end it.
    if (this.#group !== null && this.#queue.waiting === 0) this.#endGroup();
    this.#queue.release();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const group = this.#group;
    if (group !== null) {
      // A group left open for this handle's next transaction: join it as a savepoint (BEGIN passed the write gate
      // once; a fault found since then must stop new members too).
      this.#database.assertWritable();
      group.members++;
      this.#member = connection;
      this.#nested = true;
      try {
        await connection.executeQuery(SAVEPOINT);
      } catch (e) {
        this.#member = null;
        throw e;
      }
      return;
    }
    const unlockFile = this.#fileLock ? await this.#fileLock.lock() : null;
    this.#member = connection;
    this.#nested = false;
    this.#lastError = undefined;
    try {
      await connection.executeQuery(BEGIN);
    } catch (e) {
      this.#member = null;
      unlockFile?.();
      throw e;
    }
    this.#group = { startedAt: performance.now(), members: 1, waiting: [], unlockFile, turnArmed: false };
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const group = this.#group;
    if (group === null || this.#member !== connection) throw new Error('commit of a transaction this driver did not begin');
    const waiting = this.#queue.waiting > 0;
    if ((waiting || this.#nextTurn) && group.members < this.#maxMembers && performance.now() - group.startedAt < this.#maxGroupMs) {
      // A failing RELEASE is this member's failure: Kysely rolls it back (rollbackTransaction below).
      if (this.#nested) await connection.executeQuery(RELEASE);
      this.#member = null;
      // Nobody took the handle by the next turn: the group commits then (nobody else would).
      if (!waiting && !group.turnArmed) {
        group.turnArmed = true;
        setImmediate(() => this.#endIdle(group));
      }
      const acknowledged = new Promise<void>((resolve, reject) => group.waiting.push({ resolve, reject }));
      const holder = this.#holder!;
      holder.released = true;
      this.#holder = null;
      this.#queue.release();
      return acknowledged;
    }
    try {
      await connection.executeQuery(COMMIT);
    } catch (e) {
      this.#member = null;
      this.#abandonGroup(e);
      throw e;
    }
    this.#member = null;
    this.#settle();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // Not the running member: a handed-on member whose group failed, or a COMMIT failure already rolled back.
    if (this.#member !== connection) return;
    if (this.#nested && this.#database.raw.isTransaction) {
      // This member's work only: the members before it stay in the group (committed when the handle is released).
      // It is still the running member meanwhile: a statement outside any member would commit the group first.
      try {
        await connection.executeQuery(ROLLBACK_TO);
        await connection.executeQuery(RELEASE);
      } catch (e) {
        this.#member = null;
        this.#abandonGroup(e);
        throw e;
      }
      this.#member = null;
      return;
    }
    this.#member = null;
    // The whole SQLite transaction: a lone one, the group's first member, or one SQLite already rolled back (e.g.
    // after SQLITE_FULL), taking every waiting member's work with it.
    this.#abandonGroup(this.#lastError ?? new Error('the SQLite transaction was rolled back'));
  }

  async init(): Promise<void> {}

  async destroy(): Promise<void> {
    if (this.#group !== null) this.#endGroup();
    this.#database.close();
  }

  /** The next turn after a member ended: the group commits unless a member runs (it ends it) or it ended already. */
  #endIdle(group: Group): void {
    group.turnArmed = false;
    if (this.#group === group && this.#member === null) this.#endGroup();
  }

  /** Commits the open group now, outside any member. A failure is the waiting members' (the caller's statement is its own). */
  #endGroup(): void {
    try {
      execute(this.#database, COMMIT);
    } catch (e) {
      this.#abandonGroup(e);
      return;
    }
    this.#settle();
  }

  /** The group committed: every member is acknowledged. */
  #settle(): void {
    const group = this.#group!;
    this.#group = null;
    group.unlockFile?.();
    this.#onGroupCommitted(group.members);
    for (const w of group.waiting) w.resolve();
  }

  /** The group is lost: rolled back (unless SQLite did so already), every waiting member gets `cause`. */
  #abandonGroup(cause: unknown): void {
    const group = this.#group;
    if (group === null) return;
    this.#group = null;
    try {
      if (this.#database.raw.isTransaction) execute(this.#database, ROLLBACK);
    } finally {
      group.unlockFile?.();
      if (group.members > 1) this.#onGroupLost();
      for (const w of group.waiting) w.reject(cause);
    }
  }
}
