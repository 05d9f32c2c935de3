import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.ts';
import { sendTogether } from './sent-ahead.ts';

/**
 * Rarely changing tables read whole on hot paths (the org version in force on every API request; people, their
 * notification preferences and the webhook subscriptions for every outbox event), kept decoded in memory per store
 * instance and read again only when their generation moved (issue 18; migration 0035 keeps the counters with triggers,
 * so a change made by any instance, or by hand, is seen by every instance at its next read of the counters).
 *
 * Correctness, per dialect:
 * - the counters are read before the table, so cached rows are never older than their label (a change committed in
 *   between makes the rows newer and the label older: the next read re-reads, nothing stale is served);
 * - a unit of work that changed a table itself reads it from the database for the rest of the transaction and never
 *   fills the cache from it (its rows may roll back);
 * - in a transaction the counters are read once, at the first cached read (SQLite holds the write lock from BEGIN, so
 *   they cannot move; on PostgreSQL the transaction sees the tables as of that read, as READ COMMITTED may) — or, on
 *   PostgreSQL, earlier: with the routing locks, in their round trip (`countersAlong`, lane pg5), so the outbox insert
 *   that used to read them later need not wait for an answer; the tables are then seen as of just after the locks were
 *   granted, still a READ COMMITTED view (every statement may see a different committed state; this one is earlier);
 * - outside a transaction every cached read reads the counters again (one small statement), except in a request view
 *   (`store.requestReads()`), which reads them once for the reads that start an API request;
 * - an API key with its person is kept per key hash, labelled with the counters of both tables (migration 0037): a
 *   revocation, a new key, or a change of the person moves one of them, and the next request reads the key again. A
 *   request's view reads the counters at its first read, after the request arrived, so anything committed before
 *   it — by any instance — is seen; a cache entry filled by a transaction that wrote either table is never kept.
 */
export type GenerationTable = 'org_activations' | 'users' | 'notification_preferences' | 'webhook_subscriptions' | 'api_keys';

/**
 * Row sets read by key rather than whole (an API key with its person: every API request), each labelled with the
 * counters of every table it reads (migration 0037 adds `api_keys`).
 */
export type KeyedSet = 'api_key_owners';

/** Keys kept per keyed set: past it the set starts again (a bound, not a policy; a deployment has far fewer keys). */
const MAX_KEYED = 10_000;

/** Table name → its counter, as text (PostgreSQL returns bigint as a string). */
export type Generations = ReadonlyMap<string, string>;

interface Entry {
  readonly generation: string;
  readonly value: unknown;
}

interface KeyedEntry {
  readonly generation: string;
  readonly values: Map<string, unknown>;
}

/** One per store instance, shared by its units of work. */
export class TableCache {
  readonly #entries = new Map<GenerationTable, Entry>();
  readonly #keyed = new Map<KeyedSet, KeyedEntry>();
  #countersQuery: CompiledQuery<GenerationRow> | undefined;
  /**
   * A counters read succeeded on this store: the table exists (tables are never dropped). Until then no transaction
   * reads the counters along with other statements: on a database older than migration 0035 that read would fail, and
   * take the routing locks' transaction with it.
   */
  countersExist = false;

  /** The counters query, compiled once (it has no parameters). */
  counters(db: Kysely<Database>): CompiledQuery<GenerationRow> {
    this.#countersQuery ??= generationsQuery(db).compile();
    return this.#countersQuery;
  }

  lookup(table: GenerationTable, generation: string): { readonly value: unknown } | undefined {
    const entry = this.#entries.get(table);
    return entry && entry.generation === generation ? entry : undefined;
  }

  keep(table: GenerationTable, generation: string, value: unknown): void {
    this.#entries.set(table, { generation, value });
  }

  lookupKeyed(set: KeyedSet, generation: string, key: string): { readonly value: unknown } | undefined {
    const entry = this.#keyed.get(set);
    if (!entry || entry.generation !== generation || !entry.values.has(key)) return undefined;
    return { value: entry.values.get(key) };
  }

  keepKeyed(set: KeyedSet, generation: string, key: string, value: unknown): void {
    let entry = this.#keyed.get(set);
    // Rows of another generation are dropped: they may be stale, and nothing will read them again.
    if (!entry || entry.generation !== generation || entry.values.size >= MAX_KEYED) {
      entry = { generation, values: new Map() };
      this.#keyed.set(set, entry);
    }
    entry.values.set(key, value);
  }
}

/** The counters query (a PostgreSQL write may carry it in the same round trip: outbox-repository.ts). */
export const generationsQuery = (db: Kysely<Database>) => db.selectFrom('table_generations').select(['name', 'generation']);

interface GenerationRow {
  readonly name: string;
  readonly generation: number | string;
}

export const toGenerations = (rows: readonly GenerationRow[]): Generations => new Map(rows.map((r) => [r.name, String(r.generation)]));

/** What one unit of work reads through the cache. */
export interface CachedReads {
  /**
   * The table as `load` decodes it, from memory when its generation has not moved. `load`'s value is shared with
   * later readers: it must be immutable. `known`: counters the caller already read in this unit of work.
   */
  read<T>(table: GenerationTable, load: () => Promise<T>, known?: Generations): Promise<T>;
  /**
   * The rows `load` reads for `key`, from memory while none of `tables` (every table `load` reads) moved. A result of
   * `undefined` (nothing found) is not kept: unknown keys cost a read each time and cannot fill the memory.
   */
  readKeyed<T>(set: KeyedSet, tables: readonly GenerationTable[], key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** This unit of work changed the table: from now on it reads the table from the database. */
  wrote(table: GenerationTable): void;
  /** Whether the counters were already read in this unit of work (then a caller need not carry them along). */
  readonly hasGenerations: boolean;
  /**
   * In a transaction that has not read the counters yet: the counters query, for a caller to send together with its
   * own statements (one round trip: sent-ahead.ts `sendTogether`) and to hand back the answer's rows with `answered`;
   * they are then this transaction's counters. Undefined otherwise: read already, not in a transaction, or no counters
   * read has succeeded on this store yet (`TableCache.countersExist`).
   */
  countersAlong(): CountersAlong | undefined;
}

export interface CountersAlong {
  readonly query: CompiledQuery<GenerationRow>;
  /** The counters query's answer (a failure is the transaction's: nothing reads the counters after it). */
  answered(answer: Promise<{ readonly rows: readonly unknown[] }>): void;
}

/**
 * How often a unit of work reads the counters: `transaction` and `request` once (at the first cached read), `call` at
 * every cached read. `request` is a read-only view of committed data used for the reads that start an API request (the
 * org sync, the API key): they then cost one counters read together, as of the request's start, and a change committed
 * before the request began is seen by it.
 */
export type CountersRead = 'transaction' | 'request' | 'call';

export function cachedReads(db: Kysely<Database>, cache: TableCache, mode: CountersRead): CachedReads {
  const written = new Set<GenerationTable>();
  let once: Promise<Generations> | undefined;
  const read = () =>
    db.executeQuery(cache.counters(db)).then((r) => {
      cache.countersExist = true;
      return toGenerations(r.rows);
    });
  const generations = (): Promise<Generations> => {
    if (mode === 'call') return read();
    once ??= read();
    return once;
  };
  const label = (gens: Generations, tables: readonly GenerationTable[]): string | undefined => {
    let out = '';
    for (const t of tables) {
      const g = gens.get(t);
      if (g === undefined) return undefined;
      out += `${g};`;
    }
    return out;
  };
  return {
    get hasGenerations() {
      return once !== undefined;
    },
    countersAlong() {
      if (mode !== 'transaction' || once !== undefined || !cache.countersExist) return undefined;
      return {
        // A copy: statements sent together are marked per object (sent-ahead.ts), and the shared one is run directly.
        query: { ...cache.counters(db) },
        answered(answer) {
          once ??= answer.then((r) => toGenerations(r.rows as readonly GenerationRow[]));
          // The caller gets the same failure from its own statements; this copy must not count as unhandled.
          once.catch(() => undefined);
        },
      };
    },
    async read<T>(table: GenerationTable, load: () => Promise<T>, known?: Generations): Promise<T> {
      if (written.has(table)) return load();
      if (known) cache.countersExist = true;
      if (known && mode === 'transaction') once ??= Promise.resolve(known);
      const generation = (known ?? (await generations())).get(table);
      if (generation === undefined) return load();
      const hit = cache.lookup(table, generation);
      if (hit) return hit.value as T;
      const value = await load();
      if (!written.has(table)) cache.keep(table, generation, value);
      return value;
    },
    async readKeyed<T>(set: KeyedSet, tables: readonly GenerationTable[], key: string, load: () => Promise<T | undefined>) {
      if (tables.some((t) => written.has(t))) return load();
      const generation = label(await generations(), tables);
      // A database before migration 0037 has no counter for api_keys: read it every time.
      if (generation === undefined) return load();
      const hit = cache.lookupKeyed(set, generation, key);
      if (hit) return hit.value as T;
      const value = await load();
      if (value !== undefined && !tables.some((t) => written.has(t))) cache.keepKeyed(set, generation, key, value);
      return value;
    },
    wrote(table) {
      // Outside a transaction the change has committed (and moved the counter) already; a request view read the
      // counters before it, so it reads the table from the database from now on, as a transaction does.
      if (mode !== 'call') written.add(table);
    },
  };
}

/**
 * PostgreSQL, lane pg5: runs `queries` in one round trip (sent-ahead.ts `sendTogether`) and, when this transaction has
 * not read the table generations yet, reads them last in the same round trip, as this transaction's counters: the
 * outbox insert after it then has nothing to read back and travels with COMMIT (outbox-repository.ts). Used by the
 * statements a lead's transaction awaits after its claim anyway (the routing locks; the open review of a lead sent to
 * review, whose decision locks nothing). Returns the answers to `queries`, in order.
 */
export async function sendWithCounters(
  db: Kysely<Database>,
  cached: CachedReads,
  queries: readonly CompiledQuery[],
): Promise<QueryResult<unknown>[]> {
  // Alone, the counters read would cost a round trip of its own here: only with statements to travel with.
  const counters = queries.length > 0 ? cached.countersAlong() : undefined;
  if (!counters) return sendTogether(db, queries);
  const sending = sendTogether(db, [...queries, counters.query]);
  counters.answered(sending.then((r) => r.at(-1)!));
  return (await sending).slice(0, -1);
}
