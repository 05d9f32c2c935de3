import type pg from 'pg';

/**
 * Issue 18 (lane pgmerge): on PostgreSQL the server's CPU per lead was larger than Remit's, and most of it was per
 * statement — parsing, analysing and planning texts it had seen thousands of times (pg sends an unnamed statement, parsed
 * afresh each time). A statement text that repeats is given a name, so each connection parses it once and then only
 * binds and executes it (the extended protocol's named prepared statement; pg keeps, per connection, which names it has
 * parsed, pipelined ones included). Nothing about what runs changes: the same text, the same parameters, the same
 * transaction; a prepared statement outlives a rollback (it belongs to the session), and the server re-plans it after a
 * change to a table it reads.
 *
 * What is not named:
 * - a text seen only once so far (texts with values written in, or rare shapes, would fill the server's memory);
 * - a text with a `*` that may stand for a table's columns (`select *`, `returning *`, `t.*`): a prepared statement's
 *   result columns are fixed when it is parsed, and a column added by a newer instance's migration would make the server
 *   refuse it ("cached plan must not change result type") where an unnamed one just returns the new column. Only
 *   `count(*)` and `select * from (` (a derived table: its columns are the ones the text lists) are known not to;
 * - past MAX_NAMED texts in this process (a bound, not a policy: a lead's statements are a few dozen shapes; the merged
 *   appends of a routing batch add one shape per row count).
 */

/** Distinct texts named in this process; every connection may prepare each of them once. */
const MAX_NAMED = 400;
/** A text is named from its SEEN_BEFORE_NAMING + 1-th use on. */
const SEEN_BEFORE_NAMING = 1;

/** Text → its name (`remit_<n>`), or the times it was seen while not yet named. Process-wide: a name is its text's everywhere. */
const names = new Map<string, string>();
const seen = new Map<string, number>();

/** The name `text` is sent under, or undefined (sent unnamed, parsed each time). */
export function statementName(text: string): string | undefined {
  const named = names.get(text);
  if (named !== undefined) return named;
  if (names.size >= MAX_NAMED || mayStandForColumns(text)) return undefined;
  const times = (seen.get(text) ?? 0) + 1;
  if (times <= SEEN_BEFORE_NAMING) {
    // Bounded like the names: past it, a text is simply not counted (and so not named).
    if (seen.size < MAX_NAMED * 4) seen.set(text, times);
    return undefined;
  }
  seen.delete(text);
  const name = `remit_${names.size + 1}`;
  names.set(text, name);
  return name;
}

/** Whether a `*` of `text` may expand to a table's columns (see above); `*` as multiplication is counted too (rare). */
function mayStandForColumns(text: string): boolean {
  return text.replace(/count\(\*\)|select \* from \(/gi, '').includes('*');
}

/**
 * Makes `client.query(text, values)` — how Kysely's PostgreSQL driver sends every statement — send a repeating text as a
 * named statement. Any other call form (a config object, a cursor, a callback) is passed through unchanged.
 */
export function nameRepeatedStatements(client: pg.PoolClient): void {
  // The class's own method, looked up at each call (a statement counter may wrap it later: test/support).
  const proto = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
  const query = (...args: unknown[]) => proto.query.apply(client, args);
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values)) {
      const name = statementName(text);
      if (name !== undefined) return query({ name, text, values });
    }
    return query(...args);
  };
}
