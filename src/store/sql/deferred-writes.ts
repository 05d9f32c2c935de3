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

/**
 * Issue 18 (lane leadfold): a held insert of one new row whose values later writes of the same transaction may still
 * change — the lead row an intake inserts as NEW and updates with its decision's outcome. While the driver holds it (a
 * dialect that amends held rows: SQLite), `amendHeldWrite` replaces it with the same insert carrying the final values, so
 * the row and its indexes are written once, at the flush. Other rows may reference it (foreign keys are checked per
 * statement on SQLite), so while it is held the driver lets only reads that do not name its table run before it, and
 * sends it first at the flush. A dialect that does not amend held rows sends it at once, as an unmarked statement.
 */
const amendable = new WeakSet<CompiledQuery>();
/** Per held amendable insert, how to replace it while it is still held (registered by the driver). */
const amenders = new WeakMap<CompiledQuery, (replacement: CompiledQuery) => boolean>();

export function amendableInsert<O>(query: CompiledQuery<O>, table: string): CompiledQuery<O> {
  amendable.add(query);
  return deferrable(query, table);
}

export const isAmendable = (query: CompiledQuery): boolean => amendable.has(query);

/** The driver: `held` is held now and `amend` replaces it while it still is (false once it was sent or dropped). */
export function holdAmendable(held: CompiledQuery, amend: (replacement: CompiledQuery) => boolean): void {
  amenders.set(held, amend);
}

/**
 * Replaces the held amendable insert `held` with `replacement` (an insert of the same row into the same table, also
 * made with `amendableInsert`). False when `held` is not held any more (sent, dropped, or never held): the caller then
 * writes the change as a statement of its own.
 */
export function amendHeldWrite(held: CompiledQuery, replacement: CompiledQuery): boolean {
  return amenders.get(held)?.(replacement) === true;
}
