import type { CompiledQuery } from 'kysely';

/**
 * Issue 18: a write whose result the caller does not read (no RETURNING it uses, no affected-row count it checks) may
 * be sent later, with the transaction's other writes, in one statement. The repositories mark such a compiled query
 * with the one table it writes; the driver (sql/write-batching-driver.ts) holds it while a transaction is open and sends
 * it with the next other statement (PostgreSQL) or just before the first statement naming its table or COMMIT (SQLite),
 * two appends of one table as one INSERT. Outside a transaction a mark changes nothing.
 *
 * A repository may only mark a write when, inside a transaction, nothing observable depends on it running at once:
 * its errors surface at the flush (still inside the transaction, which then rolls back), and the table must have no
 * trigger that writes another table (the flush is combined with statements that do not name the marked table).
 */
const marks = new WeakMap<CompiledQuery, string>();

export function deferrable<O>(query: CompiledQuery<O>, table: string): CompiledQuery<O> {
  marks.set(query, table);
  return query;
}

/** The table a deferrable write writes, or undefined for any other statement. */
export function deferredTableOf(query: CompiledQuery): string | undefined {
  return marks.get(query);
}

/**
 * Issue 18 (lane pglock): a statement that takes a row lock other transactions queue on (the round-robin pool lock). The
 * held writes do not ride on it as `WITH` parts: PostgreSQL runs a data-modifying `WITH` part that the main statement
 * does not read after the main statement — after the lock is granted — so a lead's intake writes (personal data, history,
 * audit entries) would run while it holds the lock every other lead of the pool waits for. They go just before it as a
 * statement of their own instead (pipelined: in the same round trip), and run before the lock is asked for.
 */
const lockTaking = new WeakSet<CompiledQuery>();

export function takesSharedLock<O>(query: CompiledQuery<O>): CompiledQuery<O> {
  lockTaking.add(query);
  return query;
}

/** Whether held writes must go before `query` on their own rather than as parts of it. */
export const isLockTaking = (query: CompiledQuery): boolean => lockTaking.has(query);
