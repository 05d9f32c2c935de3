import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import { deferredTableOf, holdAmendable, isAmendable, isLockTaking } from './deferred-writes.ts';
import { aheadOf, type AheadAnswer } from './sent-ahead.ts';

/**
 * Issue 18: most of a lead's writes return nothing the use case reads. Inside a transaction this driver holds the writes
 * the repositories marked deferrable (deferred-writes.ts) and merges two plain appends of one table (`INSERT … VALUES`
 * of the same columns, nothing after) into one multi-row INSERT, the earlier rows first (both dialects number one
 * INSERT's rows in VALUES order). How held writes are sent depends on the dialect (`WriteBatching`):
 *
 * - PostgreSQL (a round trip per statement): as data-modifying `WITH` parts of the next other statement, or on their
 *   own just before COMMIT. Every part of a `WITH` runs exactly once and the statement succeeds or fails as a whole,
 *   so a failing held write (a constraint, a trigger) fails that statement, the transaction rolls back and the caller
 *   gets the error. The parts of one statement share one snapshot: no part sees another's rows.
 * - SQLite (no data-modifying WITH; a statement costs no round trip but ~30–80 µs): each on its own, just before the
 *   first statement that names its table, or COMMIT. Other statements run at once while the writes stay held, so the
 *   inserts of a lead's history and audit entries made before and after its routing reads become one statement each.
 *
 * PostgreSQL also pipelines (lane pgtrips; the pool runs pg's pipeline mode): BEGIN, statements marked `sentAhead` /
 * `sendTogether` (sent-ahead.ts) and held writes that must go before a statement on their own are kept as separate
 * statements and written together with the next statement whose answer is awaited — COMMIT included — in one round
 * trip. The server runs them in order, each its own statement (own snapshot, own lock waits), as if sent one by one;
 * the first that fails is the error the caller gets (the ones behind it fail as "transaction aborted"), and a
 * transaction that never sent anything sends neither BEGIN nor COMMIT/ROLLBACK.
 *
 * Two rules keep the holding invisible:
 * - a held write of a table already held is not combined with it: the earlier ones are sent first (so rows of one table
 *   are also written in the order they were asked for: identity / sequence order is kept) — except two plain appends,
 *   which are merged as above;
 * - a statement that names (anywhere in its text) a table with a held write is not combined or run before them: the
 *   held writes are sent first, on their own (read-your-writes). Foreign-key checks run at the end of the statement that
 *   carries the write (PostgreSQL: every part of it; SQLite: the held write's own statement), before COMMIT.
 */

/** How a dialect sends held writes. */
export interface WriteBatching {
  /** true: held writes ride as `WITH` parts of the next statement (PostgreSQL); false: they run on their own (SQLite). */
  readonly withParts: boolean;
  /** true: statements not awaited yet are written with the next awaited one, in one round trip (pg pipeline mode). */
  readonly pipelined: boolean;
  /** `$1, $2 …` (PostgreSQL) or `?` in order (SQLite). */
  readonly placeholders: 'numbered' | 'positional';
  /** The most parameters one merged INSERT may bind (the dialect's limit); past it the held rows are sent first. */
  readonly maxParameters: number;
  /** true: an amendable insert (deferred-writes.ts `amendableInsert`) is held and may be replaced; false: it is sent at once. */
  readonly amendsHeldRows: boolean;
}

export const POSTGRES_BATCHING: WriteBatching = {
  withParts: true,
  pipelined: true,
  placeholders: 'numbered',
  maxParameters: 65_535,
  amendsHeldRows: false,
};
/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32 (node:sqlite bundles a later one). */
export const SQLITE_BATCHING: WriteBatching = {
  withParts: false,
  pipelined: false,
  placeholders: 'positional',
  maxParameters: 32_766,
  amendsHeldRows: true,
};

export class WriteBatchingDriver implements Driver {
  readonly #inner: Driver;
  readonly #mode: WriteBatching;
  readonly #connections = new WeakMap<DatabaseConnection, BatchingConnection>();

  constructor(inner: Driver, mode: WriteBatching) {
    this.#inner = inner;
    this.#mode = mode;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#inner.acquireConnection();
    let wrapped = this.#connections.get(inner);
    if (!wrapped) {
      wrapped = new BatchingConnection(inner, this.#mode);
      this.#connections.set(inner, wrapped);
    }
    return wrapped;
  }

  /** Pipelined: BEGIN (as the dialect writes it) is kept and travels with the transaction's first awaited statement. */
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = batching(connection);
    c.keepNext = this.#mode.pipelined;
    try {
      await this.#inner.beginTransaction(c, settings);
    } finally {
      c.keepNext = false;
    }
    c.holding = true;
  }

  /** COMMIT is a statement like any other: the held writes go first, on their own (pipelined: in the same round trip). */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = batching(connection);
    try {
      // Nothing was sent, nothing is held: the transaction never started on the server.
      if (c.unsent) c.discard();
      else await this.#inner.commitTransaction(c);
    } finally {
      c.holding = false;
    }
  }

  /** What was held or kept rolls back unsent; a transaction whose BEGIN was never sent has nothing to roll back. */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = batching(connection);
    const begun = !c.beginKept;
    c.discard();
    if (begun) await this.#inner.rollbackTransaction(c);
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

/**
 * A held write of one table. A plain append keeps its parts (the text up to VALUES, each joined statement's rows, the
 * parameters), so joining another append costs that append only, and the statement is put together when it is sent.
 */
class HeldWrite {
  readonly table: string;
  /** An amendable insert (deferred-writes.ts): never joined, replaced while held, sent first. */
  readonly amendable: boolean;
  #query: CompiledQuery | undefined;
  #append: { readonly head: string; readonly rows: string[]; readonly parameters: unknown[] } | undefined;

  constructor(table: string, query: CompiledQuery, amendable: boolean) {
    this.table = table;
    this.#query = query;
    this.amendable = amendable;
  }

  /** Joins `later`'s rows after this write's when both are plain appends of the same columns (within the dialect's limit). */
  join(later: CompiledQuery, mode: WriteBatching): boolean {
    if (this.amendable) return false;
    if (this.#append === undefined) {
      const a = appendParts(this.#query!.sql, mode);
      if (!a) return false;
      this.#append = { head: a.head, rows: [a.rows], parameters: [...this.#query!.parameters] };
    }
    const append = this.#append;
    if (append.parameters.length + later.parameters.length > mode.maxParameters) return false;
    const b = appendParts(later.sql, mode);
    if (!b || b.head !== append.head) return false;
    append.rows.push(mode.placeholders === 'numbered' ? renumber(b.rows, append.parameters.length) : b.rows);
    for (const p of later.parameters) append.parameters.push(p);
    this.#query = undefined;
    return true;
  }

  /** An amendable insert's final form (never joined, so there are no appended rows to keep). */
  replace(query: CompiledQuery): void {
    this.#query = query;
  }

  get query(): CompiledQuery {
    this.#query ??= CompiledQuery.raw(`${this.#append!.head}${this.#append!.rows.join(', ')}`, this.#append!.parameters);
    return this.#query;
  }
}

/** A statement kept to be written with the next awaited one (pipelined mode), and who waits for its answer, if anyone. */
interface KeptStatement {
  readonly query: CompiledQuery;
  readonly answer?: AheadAnswer | undefined;
}

class BatchingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #mode: WriteBatching;
  /** Inside a transaction: deferrable writes are held. */
  holding = false;
  /** The next statement (BEGIN) is kept, not sent. */
  keepNext = false;
  #held: HeldWrite[] = [];
  /** Pipelined mode: statements to write, in order, before the next awaited one, in its round trip. */
  #kept: KeptStatement[] = [];
  /** BEGIN is among the kept statements: nothing of this transaction reached the server yet. */
  #beginKept = false;

  constructor(inner: DatabaseConnection, mode: WriteBatching) {
    this.inner = inner;
    this.#mode = mode;
  }

  get beginKept(): boolean {
    return this.#beginKept;
  }

  /** Nothing of the transaction reached the server and nothing waits to be sent but BEGIN. */
  get unsent(): boolean {
    return this.#beginKept && this.#kept.length === 1 && this.#held.length === 0;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.keepNext) {
      this.#kept.push({ query });
      this.#beginKept = true;
      return { rows: [] };
    }
    const amendable = isAmendable(query);
    // A dialect that does not amend held rows sends an amendable insert at once, as an unmarked statement.
    const table = amendable && !this.#mode.amendsHeldRows ? undefined : deferredTableOf(query);
    if (this.holding && table !== undefined) {
      const same = this.#held.find((h) => h.table === table);
      if (!amendable && same?.join(query, this.#mode)) return { rows: [] };
      if (same) await this.flush();
      const held = new HeldWrite(table, query, amendable);
      this.#held.push(held);
      if (amendable) this.amendWhileHeld(held, query);
      return { rows: [] };
    }
    const ahead = this.holding && this.#mode.pipelined ? aheadOf(query) : undefined;
    const main = await this.withHeld(query);
    if (ahead) {
      ahead.taken = true;
      this.#kept.push({ query: main, answer: ahead });
      return { rows: [] };
    }
    if (this.#kept.length === 0) return this.inner.executeQuery<R>(main);
    return this.sendKept<R>(main);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    await this.flush();
    await this.sendAllKept();
    yield* this.inner.streamQuery<R>(query, chunkSize);
  }

  /** Lets the repository replace `held` (whose query is now `query`) for as long as it stays held. */
  private amendWhileHeld(held: HeldWrite, query: CompiledQuery): void {
    holdAmendable(query, (replacement) => {
      if (!this.#held.includes(held)) return false;
      held.replace(replacement);
      this.amendWhileHeld(held, replacement);
      return true;
    });
  }

  /**
   * `query` as it is sent: carrying the held writes as WITH parts when it may (PostgreSQL), else after them (sent
   * first, or kept to go first in the same round trip); SQLite sends it at once while they stay held.
   */
  private async withHeld(query: CompiledQuery): Promise<CompiledQuery> {
    if (this.#held.length === 0) return query;
    if (!combinable(query.sql, this.#held)) {
      await this.flush();
      return query;
    }
    // An amendable insert may be referenced (a foreign key, checked per statement on SQLite) by any other write: only a
    // read that does not name its table runs before it. The other held writes may stay held.
    if (!factsOf(query.sql).read) await this.flush((h) => h.amendable);
    const held = this.#held;
    if (held.length === 0) return query;
    // SQLite: the statement does not name a held write's table, so it cannot tell they are not written yet.
    if (!this.#mode.withParts) return query;
    // A lock others queue on: the held writes run before it is asked for, not while it is held (deferred-writes.ts).
    if (isLockTaking(query)) {
      await this.flush();
      return query;
    }
    this.#held = [];
    return withHeldWrites(held, query);
  }

  /**
   * Writes the kept statements and `main` without waiting in between (pg pipeline mode: one round trip) and waits for
   * all. The first failure in order is the cause (in a transaction every later statement fails as aborted): it is
   * thrown, and the kept statements' waiters get their own answers, or that failure.
   */
  private async sendKept<R>(main: CompiledQuery): Promise<QueryResult<R>> {
    const kept = this.#kept;
    this.#kept = [];
    this.#beginKept = false;
    const sent = kept.map((k) => this.inner.executeQuery(k.query));
    sent.push(this.inner.executeQuery<R>(main));
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    kept.forEach((k, i) => {
      const s = settled[i]!;
      k.answer?.settle(s.status === 'fulfilled' ? { ok: true, result: s.value } : { ok: false, error: failed!.reason });
    });
    if (failed) throw failed.reason;
    return (settled.at(-1) as PromiseFulfilledResult<QueryResult<R>>).value;
  }

  /** Sends what is kept now, the last kept statement being the one awaited. */
  private async sendAllKept(): Promise<void> {
    const last = this.#kept.pop();
    if (last) last.answer?.settle({ ok: true, result: await this.sendKept(last.query) });
  }

  /**
   * Sends held writes now (those `which` picks, all by default; one statement, pipelined: kept for the next round trip),
   * before a statement that may read them.
   */
  private async flush(which: (h: HeldWrite) => boolean = () => true): Promise<void> {
    const sent = this.#held.filter(which);
    if (sent.length === 0) return;
    this.#held = this.#held.filter((h) => !sent.includes(h));
    // Amendable inserts first: the rows they insert are what other held writes may reference.
    const held = [...sent.filter((h) => h.amendable), ...sent.filter((h) => !h.amendable)];
    if (!this.#mode.withParts) {
      for (const h of held) await this.inner.executeQuery(h.query);
      return;
    }
    const query = held.length === 1 ? held[0]!.query : withHeldWrites(held.slice(0, -1), held.at(-1)!.query);
    if (this.#mode.pipelined) this.#kept.push({ query });
    else await this.inner.executeQuery(query);
  }

  /** The transaction ends without a commit: what was held or kept is dropped with it, and later statements run at once. */
  discard(): void {
    this.#held = [];
    this.#kept = [];
    this.#beginKept = false;
    this.holding = false;
  }
}

/**
 * Whether `sql` may carry the held writes: it does not name any of their tables, and its text is plain enough to prefix
 * safely (no dollar quoting or comments that could hide a `$n`, not `WITH RECURSIVE`).
 */
function combinable(sql: string, held: readonly HeldWrite[]): boolean {
  const facts = factsOf(sql);
  return facts.plain && held.every((h) => !facts.names(h.table));
}

/** What `combinable` needs to know of a statement text, worked out once per text (a lead's statements repeat). */
interface StatementFacts {
  readonly plain: boolean;
  /** A SELECT (writes nothing). */
  readonly read: boolean;
  names(table: string): boolean;
}

/** By statement text; bounded (texts with values written in would be new each time), past the bound not kept. */
const STATEMENT_FACTS = new Map<string, StatementFacts>();
const MAX_STATEMENT_FACTS = 2_000;

function factsOf(sql: string): StatementFacts {
  const known = STATEMENT_FACTS.get(sql);
  if (known) return known;
  const named = new Map<string, boolean>();
  const facts: StatementFacts = {
    plain: !/\$(?!\d)|--|\/\*/.test(sql) && !/^\s*with\s+recursive\b/i.test(sql) && /^\s*(select|insert|update|delete|with)\b/i.test(sql),
    read: /^\s*select\b/i.test(sql),
    names(table) {
      let answer = named.get(table);
      if (answer === undefined) {
        answer = new RegExp(`(^|[^a-z0-9_])${table}($|[^a-z0-9_])`, 'i').test(sql);
        named.set(table, answer);
      }
      return answer;
    },
  };
  if (STATEMENT_FACTS.size < MAX_STATEMENT_FACTS) STATEMENT_FACTS.set(sql, facts);
  return facts;
}

/**
 * `WITH remit_held_1 AS (w1), … <main>`: the held writes as data-modifying parts of `main` (whose own leading WITH list,
 * if any, continues ours), their parameters first and `main`'s renumbered after them. Its result is `main`'s.
 */
function withHeldWrites(held: readonly HeldWrite[], main: CompiledQuery): CompiledQuery {
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

/** `insert into "t" (columns) values (p, …), …` and nothing else, p a placeholder (or `default`): a plain append. */
const plainAppend = (placeholder: string) => {
  const value = `(?:${placeholder}|default)`;
  const row = `\\(${value}(?:, ${value})*\\)`;
  return new RegExp(`^(insert into "[a-z_]+" \\("[a-z_]+"(?:, "[a-z_]+")*\\) values )(${row}(?:, ${row})*)$`);
};
const PLAIN_APPEND = { numbered: plainAppend('\\$\\d+'), positional: plainAppend('\\?') } as const;

type AppendParts = { readonly head: string; readonly rows: string } | null;
/** A plain append's text up to VALUES and its rows, or null; by placeholder style and text, bounded like STATEMENT_FACTS. */
const APPEND_PARTS = { numbered: new Map<string, AppendParts>(), positional: new Map<string, AppendParts>() } as const;

function appendParts(sql: string, mode: WriteBatching): AppendParts {
  const known = APPEND_PARTS[mode.placeholders];
  let parts = known.get(sql);
  if (parts === undefined) {
    const m = PLAIN_APPEND[mode.placeholders].exec(sql);
    parts = m ? { head: m[1]!, rows: m[2]! } : null;
    if (known.size < MAX_STATEMENT_FACTS) known.set(sql, parts);
  }
  return parts;
}

/** Adds `offset` to every `$n` placeholder outside quoted text and quoted identifiers. */
function renumber(sql: string, offset: number): string {
  if (offset === 0) return sql;
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (token, n: string | undefined) =>
    n === undefined ? token : `$${Number(n) + offset}`,
  );
}
