import { describe, expect, it } from 'vitest';
import { OPEN_LEAD_STATUSES } from '../../../src/domain/lead/lead-status.ts';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import { withPgClient } from '../store-harness.ts';
import { ALL_MIGRATIONS, STORES, manualClock, olderDatabase, routeLead, storeReachable } from './contract-support.ts';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';

/**
 * Migration 0036 on a database of the previous release: the redundant leads index is gone, and on SQLite the
 * screening name keys and dedupe keys are WITHOUT ROWID tables holding every row they held, still found by key and
 * removed by lead, the dedupe keys' foreign key intact.
 */
describe.each(STORES)('migration 0036 (leaner write indexes): $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;

  it('keeps every key row; drops leads_status_received; SQLite tables are WITHOUT ROWID', async () => {
    const db = await olderDatabase(
      factory.name,
      MIGRATIONS.filter((m) => m.version < 36),
    );
    const query = async (text: string): Promise<Record<string, unknown>[]> => {
      if (factory.name === 'postgres') return withPgClient(async (c) => (await c.query(text)).rows as Record<string, unknown>[], db.schema);
      const raw = new DatabaseSync(join(db.dir, 'remit.sqlite'));
      try {
        return raw.prepare(text).all() as Record<string, unknown>[];
      } finally {
        raw.close();
      }
    };
    try {
      const old = await db.open(false);
      for (const [i, id] of ['K1', 'K2'].entries())
        await routeLead({ store: old, org: storeOrg(), clock: manualClock(), ids: sequentialIds(100 * (i + 1)) }, lead({ id }));
      await old.dedupe.add('K1', ['email:k1@x.com', 'phone:+4420']);
      await old.dedupe.add('K2', ['phone:+4420']);
      await old.personalData.putNameKeys('K1', [7, 3, 4_000_000_000]);
      await old.personalData.putNameKeys('K2', [7]);
      await old.close();

      const upgraded = await db.open(true);
      try {
        expect(await upgraded.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        expect(await upgraded.dedupe.findOpen(['phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'K1', key: 'phone:+4420' });
        expect(await upgraded.dedupe.findLatest(['email:k1@x.com'])).toMatchObject({ leadId: 'K1', key: 'email:k1@x.com' });
        const byKey = await upgraded.personalData.leadsByNameKeys([7, 3, 4_000_000_000, 5]);
        expect(Object.fromEntries([...byKey].map(([k, ids]) => [k, [...ids].sort()]))).toEqual({
          7: ['K1', 'K2'],
          3: ['K1'],
          4000000000: ['K1'],
        });
        await upgraded.dedupe.removeForLead('K1');
        expect(await upgraded.dedupe.findOpen(['phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'K2', key: 'phone:+4420' });
        await expect(upgraded.dedupe.add('ghost', ['email:g@x.com'])).rejects.toThrow(); // the foreign key survived
        const leadIndexes =
          factory.name === 'sqlite'
            ? await query(`select name from sqlite_master where type = 'index' and tbl_name = 'leads'`)
            : await query(`select indexname as name from pg_indexes where schemaname = '${db.schema}' and tablename = 'leads'`);
        expect(leadIndexes.map((r) => r.name)).toEqual(expect.arrayContaining(['leads_page_status', 'leads_rep_status']));
        expect(leadIndexes.map((r) => r.name)).not.toContain('leads_status_received');
        if (factory.name === 'sqlite') {
          const tables = await query(
            `select name, wr from pragma_table_list where name in ('screening_name_keys', 'dedupe_keys') order by name`,
          );
          expect(tables).toEqual([
            { name: 'dedupe_keys', wr: 1 },
            { name: 'screening_name_keys', wr: 1 },
          ]);
          const indexes = await query(
            `select name from sqlite_master where type = 'index' and tbl_name in ('screening_name_keys', 'dedupe_keys') order by name`,
          );
          // The primary key is the table: no second b-tree for it, only the by-lead indexes.
          expect(indexes.map((r) => r.name)).toEqual(['dedupe_keys_lead', 'screening_name_keys_lead']);
          expect(await query('PRAGMA foreign_key_check')).toEqual([]);
          expect(await query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        }
      } finally {
        await upgraded.close();
      }
    } finally {
      await db.drop();
    }
  });
});
