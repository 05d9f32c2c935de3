import { describe, expect, it } from 'vitest';
import { OPEN_LEAD_STATUSES } from '../../../src/domain/lead/lead-status.ts';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import { ALL_MIGRATIONS, STORES, manualClock, olderDatabase, routeLead, storeReachable } from './contract-support.ts';

/**
 * Migration 0036 on a database of the previous release: the redundant leads index is gone, and on SQLite the
 * screening name keys and dedupe keys are WITHOUT ROWID tables holding every row they held, still found by key and
 * removed by lead, the dedupe keys' foreign key intact. The name keys are checked at release 36 (raw SQL): 0045
 * replaces their table (screening-lead-keys-migration.contract.test.ts).
 */
describe.each(STORES)('migration 0036 (leaner write indexes): $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;

  it('keeps every key row; drops leads_status_received; SQLite tables are WITHOUT ROWID', async () => {
    const db = await olderDatabase(
      factory.name,
      MIGRATIONS.filter((m) => m.version < 36),
    );
    const query = (text: string) => db.query(text);
    try {
      const old = await db.open(false);
      for (const [i, id] of ['K1', 'K2'].entries())
        await routeLead({ store: old, org: storeOrg(), clock: manualClock(), ids: sequentialIds(100 * (i + 1)) }, lead({ id }));
      await old.dedupe.add('K1', ['email:k1@x.com', 'phone:+4420']);
      await old.dedupe.add('K2', ['phone:+4420']);
      await old.close();
      // the per-key rows as the release before 0045 wrote them: the signed form of each hash
      await query(
        `insert into screening_name_keys (key_hash, lead_id) values (7, 'K1'), (3, 'K1'), (${4_000_000_000 | 0}, 'K1'), (7, 'K2')`,
      );
      await db.migrate(MIGRATIONS.filter((m) => m.version <= 36));
      const byKey = await query(`select key_hash, lead_id from screening_name_keys where key_hash in (7, 3, ${4_000_000_000 | 0}, 5)`);
      const postings: Record<number, string[]> = {};
      for (const r of byKey) (postings[Number(r['key_hash']) >>> 0] ??= []).push(String(r['lead_id']));
      expect(Object.fromEntries(Object.entries(postings).map(([k, ids]) => [k, ids.sort()]))).toEqual({
        7: ['K1', 'K2'],
        3: ['K1'],
        4000000000: ['K1'],
      });
      if (factory.name === 'sqlite') {
        expect(await query(`select name, wr from pragma_table_list where name = 'screening_name_keys'`)).toEqual([
          { name: 'screening_name_keys', wr: 1 },
        ]);
        // The primary key is the table: no second b-tree for it, only the by-lead index.
        expect(
          (await query(`select name from sqlite_master where type = 'index' and tbl_name = 'screening_name_keys'`)).map((r) => r.name),
        ).toEqual(['screening_name_keys_lead']);
      }

      const upgraded = await db.open(true);
      try {
        expect(await upgraded.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        expect(await upgraded.dedupe.findOpen(['phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'K1', key: 'phone:+4420' });
        expect(await upgraded.dedupe.findLatest(['email:k1@x.com'])).toMatchObject({ leadId: 'K1', key: 'email:k1@x.com' });
        await upgraded.dedupe.removeForLead('K1');
        expect(await upgraded.dedupe.findOpen(['phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'K2', key: 'phone:+4420' });
        await expect(upgraded.dedupe.add('ghost', ['email:g@x.com'])).rejects.toThrow(); // the foreign key survived
        const leadIndexes =
          factory.name === 'sqlite'
            ? await query(`select name from sqlite_master where type = 'index' and tbl_name = 'leads'`)
            : await query(`select indexname as name from pg_indexes where schemaname = '${db.schema}' and tablename = 'leads'`);
        // leads_rep_status: dropped on SQLite by 0046 (unread-indexes-migration.contract.test.ts)
        expect(leadIndexes.map((r) => r.name)).toEqual(
          expect.arrayContaining(['leads_page_status', ...(factory.name === 'sqlite' ? [] : ['leads_rep_status'])]),
        );
        expect(leadIndexes.map((r) => r.name)).not.toContain('leads_status_received');
        if (factory.name === 'sqlite') {
          const tables = await query(
            `select name, wr from pragma_table_list where name in ('screening_name_keys', 'dedupe_keys') order by name`,
          );
          // screening_name_keys: emptied by 0045, kept WITHOUT ROWID for instances of the previous release
          expect(tables).toEqual([
            { name: 'dedupe_keys', wr: 1 },
            { name: 'screening_name_keys', wr: 1 },
          ]);
          const indexes = await query(`select name from sqlite_master where type = 'index' and tbl_name = 'dedupe_keys' order by name`);
          // The primary key is the table: no second b-tree for it, only the by-lead index.
          expect(indexes.map((r) => r.name)).toEqual(['dedupe_keys_lead']);
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
