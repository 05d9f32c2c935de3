import type { Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';

/**
 * One schema change. `up` uses the Kysely schema builder so it runs on both dialects; where a
 * feature has no portable form (triggers), branch on `dialect`. Migrations never change after
 * release: a fix is a new, higher-numbered migration.
 */
export interface Migration {
  /** Positive integer, unique, ascending in MIGRATIONS; also the file-name prefix (0001-…). */
  readonly version: number;
  readonly name: string;
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}
