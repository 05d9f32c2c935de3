import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { withPgClient, type StoreHarness } from '../store/store-harness.ts';

/**
 * Where a string occurs: SQLite — the raw bytes of the database file (after a WAL checkpoint); PostgreSQL — every text column of every
 * table.
 */
export async function findEverywhere(h: StoreHarness, needle: string): Promise<string[]> {
  if (h.schema === undefined) {
    await h.rawExec('PRAGMA wal_checkpoint(TRUNCATE)');
    const path = h.url.replace(/^sqlite:/, '');
    const found: string[] = [];
    for (const file of [path, `${path}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      if (bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'))) found.push(file);
    }
    return found;
  }
  return withPgClient(async (c) => {
    const cols = (
      await c.query<{ table_name: string; column_name: string }>(
        `select table_name, column_name from information_schema.columns where table_schema = $1 and data_type in ('text', 'character ` +
          `varying', 'json', 'jsonb') order by 1, 2`,
        [h.schema],
      )
    ).rows;
    expect(cols.length).toBeGreaterThan(40);
    const found: string[] = [];
    for (const col of cols) {
      const r = await c.query(`select count(*)::int as n from "${col.table_name}" where "${col.column_name}"::text ilike $1`, [
        `%${needle}%`,
      ]);
      if (r.rows[0].n > 0) found.push(`${col.table_name}.${col.column_name}`);
    }
    return found;
  }, h.schema);
}
