import type { CompiledQuery, Kysely, QueryResult } from 'kysely';

/**
 * Issue 18 (lane pgtrips): statements a transaction sends one after the other without needing the answer of one to
 * write the next may travel in one round trip on PostgreSQL. The driver (write-batching-driver.ts) then keeps a marked
 * statement and sends it, as a statement of its own, together with the next statement whose answer is awaited (pg's
 * pipeline mode: the client writes both without waiting). The server still runs them one after the other in that
 * order, each with its own snapshot, so a read sent behind a lock starts only once the lock is held — exactly as when
 * the client waited in between. Only the client's wait is gone. Outside a transaction, and on SQLite, a mark changes
 * nothing: the statement runs at once.
 *
 * Two uses: `sentAhead` for a statement whose answer nobody reads (a lock taken by an upsert: its errors surface with
 * the statement it travels with, still inside the transaction, which then rolls back), and `sendTogether` for a few
 * statements whose answers the caller reads but whose texts do not depend on each other's answers.
 */
export interface AheadAnswer {
  /** Set by the driver when it keeps the statement to send with the next one; then `answer` settles once sent. */
  taken: boolean;
  readonly answer: Promise<QueryResult<unknown>>;
  settle(outcome: { readonly ok: true; readonly result: QueryResult<unknown> } | { readonly ok: false; readonly error: unknown }): void;
}

const marks = new WeakMap<CompiledQuery, AheadAnswer>();

function mark(query: CompiledQuery): AheadAnswer {
  let settle: AheadAnswer['settle'] = () => undefined;
  const answer = new Promise<QueryResult<unknown>>((resolve, reject) => {
    settle = (o) => (o.ok ? resolve(o.result) : reject(o.error));
  });
  // Nobody may be waiting for it (a lock's answer, or the caller already failed with the statement it travelled with).
  answer.catch(() => undefined);
  const ahead: AheadAnswer = { taken: false, answer, settle: (o) => settle(o) };
  marks.set(query, ahead);
  return ahead;
}

/** Marks a statement whose answer the caller does not read: inside a transaction it may travel with the next one. */
export function sentAhead<O>(query: CompiledQuery<O>): CompiledQuery<O> {
  mark(query);
  return query;
}

/** The mark of a statement the driver may send with the next one, or undefined. */
export function aheadOf(query: CompiledQuery): AheadAnswer | undefined {
  return marks.get(query);
}

/**
 * Runs `queries` in order and returns their answers; inside a PostgreSQL transaction they travel in one round trip.
 * No query's text may depend on an earlier one's answer (they are all built before any is sent).
 */
export async function sendTogether<DB>(db: Kysely<DB>, queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
  const aheads = queries.slice(0, -1).map(mark);
  const direct: QueryResult<unknown>[] = [];
  for (const q of queries) direct.push(await db.executeQuery(q));
  return Promise.all(direct.map((r, i) => (aheads[i]?.taken ? aheads[i].answer : r)));
}
