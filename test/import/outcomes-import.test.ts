import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/unit-of-work.ts';
import { csv, readReport, remit, withStoreAt } from './import-support.ts';

/**
 * `remit import --kind outcomes` end to end (docs/outcomes.md), in-process against a temporary SQLite file with the
 * example org: leads imported first (with external ids), then their outcomes by Remit lead id and by external id.
 */
let dir = '';
let db = '';
const withStore = <T>(fn: (s: Store) => Promise<T>): Promise<T> => withStoreAt(db, fn);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remit-outcomes-'));
  db = join(dir, 'remit.sqlite');
  await writeFile(
    join(dir, 'leads.csv'),
    csv([
      ['external_id', 'first_name', 'last_name', 'email', 'country', 'postal_code', 'product'],
      ['CRM-1', 'Ann', 'Lee', 'ann.lee@example.co.uk', 'GB', 'SW1A 1AA', 'uk-stocks-shares-isa'],
      ['CRM-2', 'Zoë', 'Øster', 'zoe.oster@example.co.uk', 'GB', 'EC2V 7HH', 'uk-stocks-shares-isa'],
    ]),
  );
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('remit import --kind outcomes', () => {
  it('records outcomes by lead id and by external id; bad rows record nothing; a re-run records nothing again', async () => {
    expect((await remit('import', join(dir, 'leads.csv'), '--db', db, '--json')).code).toBe(0);
    const leads = await readReport(join(dir, 'leads.csv.report.csv'));
    const [first, second] = leads.map((l) => l.id);
    expect(first && second).toBeTruthy();
    await writeFile(
      join(dir, 'outcomes.csv'),
      csv([
        ['lead_id', 'external_id', 'source', 'outcome', 'value', 'currency', 'reason_code', 'closed_at'],
        [first!, '', '', 'won', '1500', 'GBP', 'PRICE', ''],
        ['', 'CRM-2', 'csv', 'LOST', '', '', 'COMPETITOR', ''],
        [first!, '', '', 'WON', '10', '', 'PRICE', ''],
        ['', 'CRM-404', 'csv', 'LOST', '', '', 'PRICE', ''],
        [second!, '', '', 'MAYBE', '-3', 'GBP', 'too dear', ''],
        [second!, '', '', 'LOST', '', '', 'PRICE', '2001-01-01T00:00:00Z'],
      ]),
    );
    const r = await remit('import', join(dir, 'outcomes.csv'), '--kind', 'outcomes', '--db', db, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 6, counts: { accepted: 2, invalid: 4 } });
    const report = await readReport(join(dir, 'outcomes.csv.report.csv'));
    expect(report.map((x) => [x.status, x.outcome, x.id, x.code])).toEqual([
      ['accepted', 'WON', first, ''],
      ['accepted', 'LOST', second, ''],
      ['invalid', '', first, 'OUTCOME_INVALID'],
      ['invalid', '', '', 'NOT_FOUND'],
      ['invalid', '', '', 'OUTCOME_INVALID'],
      ['invalid', '', second, 'OUTCOME_INVALID'],
    ]);
    expect(report[2]!.errors).toMatch(/currency: a value needs its currency/);
    expect(report[3]!.errors).toMatch(/lead_id: no such lead/);
    expect(report[4]!.errors).toMatch(/outcome: .*\n?.*value: .*reason_code: /s);
    expect(report[5]!.errors).toMatch(/closed_at: before the lead was received/);
    await withStore(async (s) => {
      expect(await s.outcomes.listForLead(first!)).toEqual([
        expect.objectContaining({ kind: 'WON', value: 1500, currency: 'GBP', recordedBy: 'import:outcomes.csv', channel: 'import' }),
      ]);
      expect((await s.outcomes.listForLead(second!)).map((o) => o.kind)).toEqual(['LOST']);
    });

    const again = await remit('import', join(dir, 'outcomes.csv'), '--kind', 'outcomes', '--db', db, '--json');
    expect(JSON.parse(again.stdout).replayed).toBe(2);
    await withStore(async (s) => {
      expect(await s.outcomes.listForLead(first!)).toHaveLength(1);
      expect(await s.outcomes.listForLead(second!)).toHaveLength(1);
    });
  });

  it('a file without a lead column is refused before anything is read', async () => {
    await writeFile(
      join(dir, 'nolead.csv'),
      csv([
        ['outcome', 'reason_code'],
        ['WON', 'PRICE'],
      ]),
    );
    const r = await remit('import', join(dir, 'nolead.csv'), '--kind', 'outcomes', '--db', db, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/lead_id or external_id/);
  });
});
