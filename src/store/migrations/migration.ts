import type { Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';

/**
 * One schema change. `up` uses the Kysely schema builder so it runs on both dialects; where a
 * feature has no portable form (triggers), branch on `dialect`. Migrations never change after
 * release: a fix is a new, higher-numbered migration. `up` is generic in the database type: a
 * migration uses only the schema builder and raw SQL (the tables of its own time, not today's
 * schema in sql/schema.ts), so it runs on the store's typed Kysely and on an untyped one alike.
 */
export interface Migration {
  /** Positive integer, unique, ascending in MIGRATIONS; also the file-name prefix (0001-…). */
  readonly version: number;
  readonly name: string;
  up<DB>(db: Kysely<DB>, dialect: StoreDialect): Promise<void>;
}
