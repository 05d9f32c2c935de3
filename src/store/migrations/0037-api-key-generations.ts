import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import { generationTriggers } from './0035-table-generations.ts';
import type { Migration } from './migration.ts';

/**
 * A generation counter for `api_keys` (issue 18, docs/storage.md "Table generations"): every API request looks its key
 * up with the key's person; with the counters of `api_keys` and `users` an instance serves that lookup from memory
 * until either moves, so a revocation, a new key, or the person suspended, gone or holding other roles — made by any
 * instance, or by hand — counts from the next request everywhere. Every column counts (a key has no bookkeeping
 * columns).
 */
export const apiKeyGenerations: Migration = {
  version: 37,
  name: 'api-key-generations',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    await sql.raw(`INSERT INTO table_generations (name, generation) VALUES ('api_keys', 1)`).execute(db);
    await generationTriggers(db, dialect, 'api_keys', undefined);
  },
};
