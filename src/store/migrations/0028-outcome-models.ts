import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Conversion model snapshots (docs/outcome-routing.md "Snapshots and replay"): each model the outcome-aware step may
 * read is stored once under its content hash, immutable, so replaying a decision loads exactly the model it read.
 * `outcome_model_head` (one row) names the current model and how many outcome rows it was built from, so a
 * rebuild is skipped while nothing new was recorded.
 */
export const outcomeModels: Migration = {
  version: 28,
  name: 'outcome-models',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('outcome_models')
      .addColumn('version', 'text', (c) => c.primaryKey())
      .addColumn('model_json', 'text', (c) => c.notNull())
      .addColumn('outcome_rows', 'integer', (c) => c.notNull())
      .addColumn('built_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('outcome_model_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('version', 'text', (c) => c.notNull().references('outcome_models.version'))
      .addColumn('outcome_rows', 'integer', (c) => c.notNull())
      .addColumn('built_at', 'text', (c) => c.notNull())
      .execute();
  },
};
