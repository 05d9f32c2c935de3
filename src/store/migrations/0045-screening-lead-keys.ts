import { type Kysely, sql } from 'kysely';
import type { Migration } from './migration.ts';
import type { StoreDialect } from '../unit-of-work.ts';

/**
 * Screening name keys packed one row per lead (issue 18, docs/screening.md "Delta re-screening"): `hashes` holds the
 * lead's distinct key hashes as unsigned 32-bit little-endian integers (packed-key-hashes.ts). 0029 stored one row per
 * key and lead, keyed by the hash: ~27 rows per lead, each in a random leaf page of the key b-tree, about a third of the
 * pages a lead's commit wrote. One row appended per lead instead; a list delta scans the rows (a few seconds per
 * million leads) rather than looking keys up by index.
 *
 * The per-key rows are deleted and the recorded key scheme cleared: the stored keys are written again by the delta
 * re-screening's backfill (every open lead without a row), as after a key-scheme change, before its first look-up.
 * The emptied per-key table itself stays for one release, so that an instance of the previous release still running
 * during a rolling upgrade keeps taking leads: its key rows land there, no newer code reads them, and its leads have no
 * packed row, so the backfill keys them too (erasure deletes both tables' rows). A later release drops it.
 * SQLite: WITHOUT ROWID (the primary key is the table: one b-tree).
 */
export const screeningLeadKeys: Migration = {
  version: 45,
  name: 'screening-lead-keys',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    await db.schema
      .createTable('screening_lead_keys')
      .addColumn('lead_id', 'text', (c) => c.primaryKey())
      .addColumn('hashes', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
      .$call((t) => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
      .execute();
    // PostgreSQL: TRUNCATE frees the table at once (a DELETE of ~27 rows per lead would write every one of them away)
    await sql.raw(dialect === 'postgres' ? 'truncate table screening_name_keys' : 'delete from screening_name_keys').execute(db);
    await sql`delete from screening_name_key_scheme`.execute(db);
  },
};
