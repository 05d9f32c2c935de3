import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

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
 *   they cannot move; on PostgreSQL the transaction sees the tables as of that read, as READ COMMITTED may);
 * - outside a transaction every cached read reads the counters again (one small statement).
 */
export type GenerationTable = 'org_activations' | 'users' | 'notification_preferences' | 'webhook_subscriptions';

/** Table name → its counter, as text (PostgreSQL returns bigint as a string). */
export type Generations = ReadonlyMap<string, string>;

interface Entry {
  readonly generation: string;
  readonly value: unknown;
}

/** One per store instance, shared by its units of work. */
export class TableCache {
  readonly #entries = new Map<GenerationTable, Entry>();
  #countersQuery: CompiledQuery<GenerationRow> | undefined;

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
  /** This unit of work changed the table: from now on it reads the table from the database. */
  wrote(table: GenerationTable): void;
  /** Whether the counters were already read in this unit of work (then a caller need not carry them along). */
  readonly hasGenerations: boolean;
}

export function cachedReads(db: Kysely<Database>, cache: TableCache, inTransaction: boolean): CachedReads {
  const written = new Set<GenerationTable>();
  let once: Promise<Generations> | undefined;
  const read = () => db.executeQuery(cache.counters(db)).then((r) => toGenerations(r.rows));
  const generations = (): Promise<Generations> => {
    if (!inTransaction) return read();
    once ??= read();
    return once;
  };
  return {
    get hasGenerations() {
      return once !== undefined;
    },
    async read<T>(table: GenerationTable, load: () => Promise<T>, known?: Generations): Promise<T> {
      if (written.has(table)) return load();
      if (known && inTransaction) once ??= Promise.resolve(known);
      const generation = (known ?? (await generations())).get(table);
      if (generation === undefined) return load();
      const hit = cache.lookup(table, generation);
      if (hit) return hit.value as T;
      const value = await load();
      if (!written.has(table)) cache.keep(table, generation, value);
      return value;
    },
    wrote(table) {
      // Outside a transaction the change has committed (and moved the counter) already.
      if (inTransaction) written.add(table);
    },
  };
}
