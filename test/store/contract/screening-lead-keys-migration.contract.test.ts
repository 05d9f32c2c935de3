import { describe, expect, it } from 'vitest';
import { OPEN_LEAD_STATUSES } from '../../../src/domain/lead/lead-status.ts';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import { ALL_MIGRATIONS, STORES, iso, manualClock, olderDatabase, routeLead, storeReachable } from './contract-support.ts';

/**
 * Migration 0045 on a database of the previous release: the per-key name keys are deleted and the recorded key scheme
 * cleared, so every open lead is one the delta re-screening's backfill keys again (pageContactsWithoutNameKeys), under
 * the scheme of the code that runs it; new keys go to the packed table. The emptied per-key table stays, so that an
 * instance of the previous release still running during a rolling upgrade keeps taking leads.
 */
describe.each(STORES)('migration 0045 (screening lead keys): $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;

  it('deletes the per-key rows and the scheme: every open lead is left for the backfill, new keys are packed', async () => {
    const db = await olderDatabase(
      factory.name,
      MIGRATIONS.filter((m) => m.version < 45),
    );
    const query = (text: string) => db.query(text);
    try {
      const old = await db.open(false);
      const ids = ['M1', 'M2', 'M3'];
      for (const [i, id] of ids.entries()) {
        await routeLead({ store: old, org: storeOrg(), clock: manualClock(), ids: sequentialIds(100 * (i + 1)) }, lead({ id }));
        await old.personalData.put({
          leadId: id,
          salt: 'ab',
          contactJson: `{"fullName":"Ann ${id}"}`,
          rawJson: '{}',
          consentJson: null,
          createdAt: iso(1),
        });
      }
      await old.close();
      await query(`insert into screening_name_keys (key_hash, lead_id) values (7, 'M1'), (7, 'M2'), (-5, 'M3')`);
      await query(`insert into screening_name_key_scheme (id, scheme, set_at) values (1, 'before-0045', '${iso(1)}')`);

      const upgraded = await db.open(true);
      try {
        expect(await upgraded.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        const tables =
          factory.name === 'sqlite'
            ? await query(`select name from sqlite_master where type = 'table' and name like 'screening_%keys' order by name`)
            : await query(
                `select tablename as name from pg_tables where schemaname = '${db.schema}' ` +
                  `and tablename like 'screening_%keys' order by tablename`,
              );
        expect(tables.map((r) => r.name)).toEqual(['screening_lead_keys', 'screening_name_keys']);
        expect(await query(`select count(*) as n from screening_name_keys`)).toEqual([{ n: factory.name === 'sqlite' ? 0 : '0' }]);
        expect(await upgraded.personalData.nameKeyScheme()).toBeUndefined();
        expect(await upgraded.personalData.anyNameKeys()).toBe(false);
        expect((await upgraded.personalData.nameKeyCounts([7, 0xfffffffb])).size).toBe(0);
        const open = await upgraded.personalData.pageContactsWithoutNameKeys({ statuses: OPEN_LEAD_STATUSES, limit: 10 });
        expect(open.map((r) => r.leadId)).toEqual(ids);
        // the backfill's write: one packed row per lead, found again, and the lead is no longer left for it
        await upgraded.personalData.putNameKeys('M2', [7, 0xfffffffb]);
        expect(new Map(await upgraded.personalData.nameKeyCounts([7, 0xfffffffb]))).toEqual(
          new Map([
            [7, 1],
            [0xfffffffb, 1],
          ]),
        );
        expect(await query(`select lead_id from screening_lead_keys`)).toEqual([{ lead_id: 'M2' }]);
        const left = await upgraded.personalData.pageContactsWithoutNameKeys({ statuses: OPEN_LEAD_STATUSES, limit: 10 });
        expect(left.map((r) => r.leadId)).toEqual(['M1', 'M3']);

        // an instance of the previous release, still running during a rolling upgrade, writes its per-key rows: they
        // succeed, newer code never reads them, and that lead stays left for the backfill; erasure deletes them
        await query(`insert into screening_name_keys (key_hash, lead_id) values (7, 'M3'), (9, 'M3'), (9, 'M1')`);
        expect((await upgraded.personalData.nameKeyCounts([7, 9])).get(9)).toBeUndefined();
        const stillLeft = await upgraded.personalData.pageContactsWithoutNameKeys({ statuses: OPEN_LEAD_STATUSES, limit: 10 });
        expect(stillLeft.map((r) => r.leadId)).toEqual(['M1', 'M3']);
        await upgraded.personalData.erase('M3', iso(2));
        expect(await query(`select lead_id from screening_name_keys order by lead_id`)).toEqual([{ lead_id: 'M1' }]);
      } finally {
        await upgraded.close();
      }
    } finally {
      await db.drop();
    }
  });
});
