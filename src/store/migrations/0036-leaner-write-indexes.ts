import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import type { Migration } from './migration.ts';

/**
 * Fewer b-trees written per lead (issue 18, docs/performance.md "Indexes written per lead"):
 * - `leads_status_received (status, received_at)` is a prefix of `leads_page_status (status, received_at, id)`,
 *   which serves every query it served; it was written on every lead insert and every status change. Dropped.
 * - SQLite: `screening_name_keys` (~20–25 rows per lead) and `dedupe_keys` are their primary key and nothing else, yet
 *   were rowid tables: every row went into the table and again into the primary key's index. As WITHOUT ROWID tables
 *   the primary key is the table (one b-tree fewer per row; the by-lead indexes stay). Rebuilt and copied here; the
 *   copy takes time proportional to the rows (about a second per million on this project's machine). PostgreSQL has no
 *   rowid; its tables are unchanged.
 */
async function rebuildWithoutRowid<DB>(
  db: Kysely<DB>,
  table: string,
  create: (name: string) => string,
  columns: string,
  index: { readonly name: string; readonly column: string },
): Promise<void> {
  await sql.raw(create(`${table}_without_rowid`)).execute(db);
  await sql.raw(`INSERT INTO ${table}_without_rowid (${columns}) SELECT ${columns} FROM ${table}`).execute(db);
  await sql.raw(`DROP TABLE ${table}`).execute(db);
  await sql.raw(`ALTER TABLE ${table}_without_rowid RENAME TO ${table}`).execute(db);
  await sql.raw(`CREATE INDEX ${index.name} ON ${table} (${index.column})`).execute(db);
}

export const leanerWriteIndexes: Migration = {
  version: 36,
  name: 'leaner-write-indexes',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    await db.schema.dropIndex('leads_status_received').execute();
    if (dialect !== 'sqlite') return;
    await rebuildWithoutRowid(
      db,
      'screening_name_keys',
      (name) =>
        `CREATE TABLE ${name} (key_hash integer NOT NULL, lead_id text NOT NULL, ` +
        `CONSTRAINT screening_name_keys_pk PRIMARY KEY (key_hash, lead_id)) WITHOUT ROWID`,
      'key_hash, lead_id',
      { name: 'screening_name_keys_lead', column: 'lead_id' },
    );
    await rebuildWithoutRowid(
      db,
      'dedupe_keys',
      (name) =>
        `CREATE TABLE ${name} (key text NOT NULL, lead_id text NOT NULL REFERENCES leads (id), ` +
        `CONSTRAINT dedupe_keys_pk PRIMARY KEY (key, lead_id)) WITHOUT ROWID`,
      'key, lead_id',
      { name: 'dedupe_keys_lead', column: 'lead_id' },
    );
  },
};
