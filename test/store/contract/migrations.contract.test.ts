import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { initial } from '../../../src/store/migrations/0001-initial.ts';
import { withoutAudit } from '../../support/without-audit.ts';
import { withoutConduct } from '../../support/without-conduct.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import { withPgClient } from '../store-harness.ts';
import {
  ALL_MIGRATIONS,
  STORES,
  T0,
  closeLead,
  everything,
  iso,
  manualClock,
  olderDatabase,
  routeLead,
  storeReachable,
} from './contract-support.ts';

/** Storage contract: migration upgrades in place, on SQLite and PostgreSQL alike. */
describe.each(STORES)('migration upgrades in place: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;

  it('migration 0002 upgrades a 0001 database in place, keeping its leads, decisions and state', async () => {
    // A database migrated by the previous release (0001 only).
    const db = await olderDatabase(factory.name, [initial]);
    const { dir, schema, open } = db;
    try {
      const old = await open(false);
      expect(await old.appliedMigrations()).toEqual([1]);
      const org = storeOrg();
      // The current code on the old schema: no audit tables yet (0004), so its audit entries are dropped; no SLA timers table (0005)
      // either.
      const d = { store: withoutConduct(withoutAudit(old)), org, clock: manualClock(), ids: sequentialIds() };
      for (const l of [lead({ id: 'U1' }), lead({ id: 'U2', jurisdiction: 'FR' }), lead({ id: 'U3', score: 99 }), lead({ id: 'U4' })])
        await routeLead(d, l);
      await closeLead({ store: withoutAudit(old), clock: manualClock(T0 + 60_000) }, 'U4');
      const before = await everything(old);
      expect(before.leads.map((l) => [l.id, l.status])).toEqual([
        ['U1', 'ASSIGNED'],
        ['U2', 'REFUSED'],
        ['U3', 'HELD'],
        ['U4', 'CLOSED'],
      ]);
      await old.close();

      const upgraded = await open(true);
      try {
        expect(await upgraded.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        const after = await everything(upgraded);
        expect(after).toEqual({ ...before, leads: before.leads.map((l) => ({ ...l, duplicateOf: null })) });
        // Constraints survive the rebuild: foreign keys to and from leads, the status CHECK, append-only decisions.
        const dec = (await upgraded.decisions.listForLead('U1'))[0]!;
        await expect(
          upgraded.decisions.append({
            ...dec,
            decisionId: 'x',
            leadId: 'ghost',
            documentJson: JSON.stringify({ ...JSON.parse(dec.documentJson), decisionId: 'x', leadId: 'ghost' }),
          }),
        ).rejects.toThrow();
        await expect(
          upgraded.leads.claim({ id: 'U9', orgHash: 'sha256:unpublished', leadJson: '{"id":"U9"}', receivedAt: iso(0) }),
        ).rejects.toThrow();
        const rawExec =
          factory.name === 'sqlite'
            ? async (text: string) => {
                const raw = new DatabaseSync(join(dir, 'remit.sqlite'));
                try {
                  return raw.prepare(text).all() as Record<string, unknown>[];
                } finally {
                  raw.close();
                }
              }
            : (text: string) => withPgClient(async (c) => (await c.query(text)).rows as Record<string, unknown>[], schema);
        await expect(rawExec(`update leads set status = 'MAYBE' where id = 'U1'`)).rejects.toThrow();
        await expect(rawExec(`delete from decisions`)).rejects.toThrow(/append-only/);
        if (factory.name === 'sqlite') {
          expect(await rawExec('PRAGMA foreign_key_check')).toEqual([]);
          expect(await rawExec('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        }
        // The old indexes are still there, but for leads_status_received: a prefix of leads_page_status (migration 0036),
        // and on SQLite leads_rep_status, which no SQLite query used (migration 0046).
        const indexes = (
          factory.name === 'sqlite'
            ? await rawExec(`select name from sqlite_master where type = 'index' and tbl_name = 'leads'`)
            : await rawExec(`select indexname as name from pg_indexes where schemaname = '${schema}' and tablename = 'leads'`)
        ).map((r) => r.name);
        expect(indexes).toEqual(expect.arrayContaining(['leads_page', 'leads_page_status', 'leads_page_rep']));
        expect(indexes).not.toContain('leads_status_received');
        if (factory.name === 'sqlite') expect(indexes).not.toContain('leads_rep_status');
        else expect(indexes).toContain('leads_rep_status');
        // The new statuses and tables work on the upgraded data.
        await routeLead({ store: upgraded, org, clock: manualClock(T0 + 120_000), ids: sequentialIds(100) }, lead({ id: 'U5' }));
        await upgraded.leads.update('U5', {
          status: 'DUPLICATE',
          teamId: null,
          repId: null,
          orgHash: org.hash,
          updatedAt: iso(3),
          duplicateOf: 'U1',
        });
        await upgraded.leads.update('U1', { status: 'WON', teamId: null, repId: 'r1', orgHash: org.hash, updatedAt: iso(3) });
        await upgraded.events.append({ leadId: 'U1', kind: 'lifecycle', actor: 'r1', at: iso(3), payloadJson: '{}' });
        expect((await upgraded.leads.page({ limit: 10, status: 'DUPLICATE' })).map((l) => [l.id, l.duplicateOf])).toEqual([['U5', 'U1']]);
      } finally {
        await upgraded.close();
      }
    } finally {
      await db.drop();
    }
  });
});
