import { StatementSync } from 'node:sqlite';
import pg from 'pg';

/**
 * Counts every statement the process sends to SQLite (node:sqlite statement runs) and every round trip to
 * PostgreSQL (pg client queries, BEGIN and COMMIT included), below Kysely and the store, so nothing the store
 * does escapes it (issue 18; docs/performance.md "SQL per lead"). A query a pipelining pg client is given while
 * queries it sent earlier are still unanswered is written without waiting for them: it rides on their round trip
 * and is counted as a statement, not as a round trip (lane pgtrips). Counting is process-wide while a counter is
 * started: run the work sequentially in between.
 */
export interface StatementCount {
  /** SQLite statements plus PostgreSQL round trips. */
  readonly total: number;
  /** Every statement, PostgreSQL's pipelined ones included (for SQLite the same as `total`). */
  readonly statements: number;
  /** Normalised statement text (literals and placeholders folded) → how many times it ran. */
  readonly byStatement: ReadonlyMap<string, number>;
  /** With `timed`: SQLite statement text → nanoseconds spent in node:sqlite running it (binding included). */
  readonly nanosByStatement: ReadonlyMap<string, number>;
}

export interface StatementCounter {
  /** What ran since start() (or the last reset()). */
  snapshot(): StatementCount;
  reset(): void;
  /** Puts the original methods back. */
  stop(): void;
}

/** `insert into "x" ("a", "b") values ($1, $2), ($3, $4)` → `insert into "x" ("a", "b") values (?)×2`-like keys. */
export function statementKey(sqlText: string): string {
  return sqlText
    .replace(/\s+/g, ' ')
    .replace(/\$\d+/g, '?')
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\((\?(?:, \?)*)\)(?:, \(\1\))+/g, '($1)×n')
    .replace(/in \((?:\?(?:, )?)+\)/gi, 'in (…)')
    .trim()
    .slice(0, 160);
}

/** `timed`: also measure the native time of each SQLite statement run (hrtime around the call; a little overhead). */
export function startStatementCounter(opts: { readonly timed?: boolean } = {}): StatementCounter {
  const counts = new Map<string, number>();
  const nanos = new Map<string, number>();
  let total = 0;
  let statements = 0;
  const note = (sqlText: unknown, roundTrip = true): string => {
    statements++;
    if (roundTrip) total++;
    const key = typeof sqlText === 'string' ? statementKey(sqlText) : '(non-text query)';
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return key;
  };
  const sqliteProto = StatementSync.prototype as unknown as Record<string, (this: StatementSync, ...a: unknown[]) => unknown>;
  const originals = new Map<string, (this: StatementSync, ...a: unknown[]) => unknown>();
  for (const method of ['all', 'get', 'run', 'iterate'] as const) {
    const original = sqliteProto[method]!;
    originals.set(method, original);
    sqliteProto[method] = opts.timed
      ? function (this: StatementSync, ...args: unknown[]) {
          const key = note(this.sourceSQL);
          const start = process.hrtime.bigint();
          try {
            return original.apply(this, args);
          } finally {
            nanos.set(key, (nanos.get(key) ?? 0) + Number(process.hrtime.bigint() - start));
          }
        }
      : function (this: StatementSync, ...args: unknown[]) {
          note(this.sourceSQL);
          return original.apply(this, args);
        };
  }
  const pgProto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const pgQuery = pgProto.query;
  pgProto.query = function (this: PipelineState, ...args: unknown[]) {
    const q = args[0];
    note(typeof q === 'string' ? q : (q as { text?: unknown } | null)?.text, !awaitingAnswers(this));
    return pgQuery.apply(this, args);
  };
  return {
    snapshot: () => ({ total, statements, byStatement: new Map(counts), nanosByStatement: new Map(nanos) }),
    reset() {
      total = 0;
      statements = 0;
      counts.clear();
      nanos.clear();
    },
    stop() {
      for (const [method, original] of originals) sqliteProto[method] = original;
      pgProto.query = pgQuery;
    },
  };
}

/** What of pg's Client (lib/client.js, 8.23) tells whether a query would be written behind unanswered ones. */
interface PipelineState {
  readonly pipeline?: boolean;
  readonly _activeQuery?: unknown;
  readonly _sentQueryQueue?: readonly unknown[];
  readonly _queryQueue?: readonly unknown[];
}

/** A pipelining client with queries in flight: the next one is written at once, in the same round trip. */
const awaitingAnswers = (client: PipelineState): boolean =>
  client.pipeline === true &&
  (client._activeQuery != null || (client._sentQueryQueue?.length ?? 0) > 0 || (client._queryQueue?.length ?? 0) > 0);
