import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/unit-of-work.ts';
import { csv, readReport, remit, withStoreAt } from './import-support.ts';

/**
 * `remit import` end to end (docs/sources.md), in-process against a temporary SQLite file with the
 * example org. Outcomes are asserted as report statuses (accepted covers ASSIGNED, QUEUED and
 * NURTURE), which do not depend on the wall clock's working hours.
 */

let dir = '';
let db = '';
const withStore = <T>(fn: (s: Store) => Promise<T>): Promise<T> => withStoreAt(db, fn);

const LEADS = csv([
  ['first_name', 'last_name', 'email', 'phone', 'country', 'postal_code', 'product'],
  ['Ann', 'Lee', 'ann.lee@example.co.uk', '020 7946 0018', 'GB', 'SW1A 1AA', 'uk-stocks-shares-isa'],
  ['Zoë', 'Øster', 'zoe.oster@example.co.uk', '', 'United Kingdom', 'EC2V 7HH', 'uk-stocks-shares-isa'],
  ['Bad', 'Phone', 'bad.phone@example.co.uk', '12345', 'GB', 'SW1A 1AA', 'uk-stocks-shares-isa'],
  ['Viktor', 'Halloran', 'v.halloran@example.ie', '', 'IE', '', 'eu-ucits-global-equity'],
  ['João', 'Silva', 'joao.silva@example.com.br', '', 'BR', '', 'eu-ucits-global-equity'],
  ['Ann', 'Lee', 'ann.lee@example.co.uk', '+44 20 7946 0018', 'GB', 'SW1A 1AA', 'uk-stocks-shares-isa'],
  ['Short', 'Row'],
  ['Nope', 'Product', 'nope@example.co.uk', '', 'GB', '', 'no-such-product'],
]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remit-import-'));
  db = join(dir, 'remit.sqlite');
  await writeFile(join(dir, 'leads.csv'), LEADS);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('remit import leads.csv', () => {
  it('routes every row through the pipeline and writes a complete, correct per-row report', async () => {
    const r = await remit('import', join(dir, 'leads.csv'), '--db', db, '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ rows: 8, dryRun: false, counts: { accepted: 2, invalid: 3, held: 1, refused: 1, duplicate: 1 } });
    expect(r.stderr).toMatch(/import leads: 100\.0%\s+8 rows/); // the plain progress line (not a TTY)
    const report = await readReport(join(dir, 'leads.csv.report.csv'));
    expect(report.map((x) => [x.row, x.line, x.status])).toEqual([
      ['1', '2', 'accepted'],
      ['2', '3', 'accepted'],
      ['3', '4', 'invalid'],
      ['4', '5', 'held'],
      ['5', '6', 'refused'],
      ['6', '7', 'duplicate'],
      ['7', '8', 'invalid'],
      ['8', '9', 'invalid'],
    ]);
    expect(report[2]).toMatchObject({ code: 'LEAD_INVALID', id: '' });
    expect(report[2]!.errors).toMatch(/^\/person\/phone: .*12345.*\(column "phone"\)$/);
    expect(report[4]!.outcome).toBe('REFUSED');
    expect(report[5]!.duplicate_of).toBe(report[0]!.id);
    expect(report[6]!.errors).toMatch(/expected 7 columns/);
    expect(report[7]!.errors).toMatch(/product: unknown product "no-such-product"/);
    expect(report[0]!.team_id).not.toBe('');
    await withStore(async (s) => {
      const leads = await s.leads.list();
      expect(leads.map((l) => l.id).sort()).toEqual(
        report
          .filter((x) => x.id)
          .map((x) => x.id)
          .sort(),
      );
      expect(leads).toHaveLength(5);
      // Recorded like any intake, by the import principal, raw row mapping kept.
      expect((await s.events.listForLead(report[0]!.id))[0]).toMatchObject({ kind: 'intake', actor: 'import' });
      expect(JSON.parse((await s.personalData.get(report[1]!.id))!.contactJson)).toMatchObject({ firstName: 'Zoë', lastName: 'Øster' });
    });
  });

  it('a re-run creates nothing new: every stored row is replayed with the same lead id', async () => {
    const before = await withStore(async (s) => ({ leads: (await s.leads.list()).length, decisions: (await s.decisions.list()).length }));
    const first = await readReport(join(dir, 'leads.csv.report.csv'));
    const r = await remit('import', join(dir, 'leads.csv'), '--db', db, '--json');
    expect(r.code).toBe(0);
    const again = await readReport(join(dir, 'leads.csv.report.csv'));
    expect(again.map((x) => [x.status, x.id])).toEqual(first.map((x) => [x.status, x.id]));
    expect(again.filter((x) => x.id).every((x) => x.replayed === 'true')).toBe(true);
    const after = await withStore(async (s) => ({ leads: (await s.leads.list()).length, decisions: (await s.decisions.list()).length }));
    expect(after).toEqual(before);
  });

  it('--dry-run validates every row and writes nothing (no database is even created)', async () => {
    const fresh = join(dir, 'dry.sqlite');
    const r = await remit('import', join(dir, 'leads.csv'), '--db', fresh, '--dry-run', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, rows: 8, counts: { valid: 5, invalid: 3 } });
    expect(existsSync(fresh)).toBe(false);
    const report = await readReport(join(dir, 'leads.csv.dry-run.report.csv'));
    expect(report.map((x) => x.status)).toEqual(['valid', 'valid', 'invalid', 'valid', 'valid', 'valid', 'invalid', 'invalid']);
    expect(report[2]!.errors).toMatch(/\/person\/phone/);
  });

  it(
    'maps other column names through --mapping (with consent and hidden columns) and refuses a mapping naming missing ' + 'columns',
    async () => {
      await writeFile(
        join(dir, 'crm-export.csv'),
        csv([
          ['Lead ID', 'Given Name', 'Family Name', 'E-mail', 'Country', 'Opt In', 'Opt In Text', 'Opt In At', 'Campaign'],
          ['CRM-1', 'Maya', 'Ng', 'maya.ng@example.co.uk', 'GB', 'yes', 'Email me about ISAs', '2026-10-01T09:30:00Z', 'autumn'],
        ]),
      );
      await writeFile(
        join(dir, 'mapping.yaml'),
        [
          'fields:',
          '  externalId: Lead ID',
          '  person.firstName: Given Name',
          '  person.lastName: Family Name',
          '  person.email: E-mail',
          '  address.country: Country',
          'defaults:',
          '  source: crm_export',
          '  product: uk-stocks-shares-isa',
          'hidden: [Campaign]',
          'consent:',
          '  field: Opt In',
          '  wordingField: Opt In Text',
          '  capturedAtField: Opt In At',
          '  channels: [email]',
        ].join('\n'),
      );
      const r = await remit('import', join(dir, 'crm-export.csv'), '--db', db, '--mapping', join(dir, 'mapping.yaml'), '--json');
      expect(r.code).toBe(0);
      const [row] = await readReport(join(dir, 'crm-export.csv.report.csv'));
      expect(row!.status).toBe('accepted');
      await withStore(async (s) => {
        const lead = JSON.parse((await s.leads.get(row!.id))!.leadJson);
        expect(lead).toMatchObject({ source: 'crm_export', custom: { Campaign: 'autumn' } });
        expect(JSON.parse((await s.personalData.get(row!.id))!.consentJson!)).toMatchObject({
          marketing: true,
          wording: 'Email me about ISAs',
          capturedAt: '2026-10-01T09:30:00.000Z',
        });
      });
      // Re-running with the external id as key replays it.
      const again = await remit('import', join(dir, 'crm-export.csv'), '--db', db, '--mapping', join(dir, 'mapping.yaml'));
      expect(again.code).toBe(0);
      expect((await readReport(join(dir, 'crm-export.csv.report.csv')))[0]).toMatchObject({ id: row!.id, replayed: 'true' });

      await writeFile(join(dir, 'bad-mapping.yaml'), 'fields:\n  person.email: Email Address\n');
      const bad = await remit('import', join(dir, 'crm-export.csv'), '--db', db, '--mapping', join(dir, 'bad-mapping.yaml'));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/ARGUMENT_INVALID.*"Email Address"/);
      await writeFile(join(dir, 'typo-mapping.yaml'), 'fields:\n  person.emial: E-mail\n');
      const typo = await remit('import', join(dir, 'crm-export.csv'), '--db', db, '--mapping', join(dir, 'typo-mapping.yaml'));
      expect(typo.code).toBe(2);
    },
  );

  it('refuses a missing file and a malformed CSV clearly (exit 2)', async () => {
    const missing = await remit('import', join(dir, 'nope.csv'), '--db', db);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/INPUT_UNREADABLE/);
    await writeFile(join(dir, 'broken.csv'), 'first_name,last_name,email\n"Ann,Lee,ann@example.com\n');
    const broken = await remit('import', join(dir, 'broken.csv'), '--db', db, '--dry-run');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/INPUT_UNREADABLE/);
  });

  it('refuses a quote inside an unquoted field (csv-parse INVALID_OPENING_QUOTE) with exit 2, not INTERNAL (B6)', async () => {
    await writeFile(
      join(dir, 'quote.csv'),
      'first_name,last_name,email,country,product\n=HYPERLINK("x"),Lee,a@b.com,GB,uk-stocks-shares-isa\n',
    );
    const r = await remit('import', join(dir, 'quote.csv'), '--db', db, '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/INPUT_UNREADABLE/);
    expect(r.stderr).not.toMatch(/INTERNAL/);
  });
});

describe('remit import --kind accounts | suppression', () => {
  it('upserts accounts (owner reps checked against the org) and reports bad rows', async () => {
    await writeFile(
      join(dir, 'accounts.csv'),
      csv([
        ['account_id', 'name', 'domains', 'owner_rep', 'tier'],
        ['ACC-1', 'Halden Capital LLP', 'halden.example; halden-capital.example', 'amelia-hughes', 'gold'],
        ['ACC-2', 'Brightwater Ltd', 'brightwater.example', '', ''],
        ['ACC-3', 'Ghost Owner plc', 'ghost.example', 'no-such-rep', ''],
        ['', 'No Id', 'x.example', '', ''],
      ]),
    );
    const r = await remit('import', join(dir, 'accounts.csv'), '--kind', 'accounts', '--db', db, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts).toMatchObject({ accepted: 2, invalid: 2 });
    const report = await readReport(join(dir, 'accounts.csv.report.csv'));
    expect(report[2]!.errors).toMatch(/unknown rep "no-such-rep"/);
    await withStore(async (s) => {
      expect(await s.accounts.get('ACC-1')).toMatchObject({
        name: 'Halden Capital LLP',
        domains: ['halden.example', 'halden-capital.example'],
        ownerRep: 'amelia-hughes',
        tier: 'gold',
      });
      expect(await s.accounts.get('ACC-3')).toBeUndefined();
      expect((await s.accounts.list()).length).toBe(2);
    });
  });

  it('stores a do-not-contact list normalised (E.164, lower-case), idempotently', async () => {
    await writeFile(
      join(dir, 'dnc.csv'),
      csv([
        ['email', 'phone', 'domain', 'country', 'reason'],
        ['Ann.Lee@Example.CO.UK', '', '', '', 'asked to stop'],
        ['', '020 7946 0018', '', 'GB', 'TPS'],
        ['', '', '@Competitor.Example', '', 'competitor'],
        ['not-an-email', '', '', '', ''],
        ['', '020 7946 0019', '', '', 'no country'],
      ]),
    );
    const r = await remit('import', join(dir, 'dnc.csv'), '--kind', 'suppression', '--db', db, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts).toMatchObject({ accepted: 3, invalid: 2 });
    const report = await readReport(join(dir, 'dnc.csv.report.csv'));
    expect(report[4]!.errors).toMatch(/international prefix or a country column/);
    await remit('import', join(dir, 'dnc.csv'), '--kind', 'suppression', '--db', db);
    await withStore(async (s) => {
      expect(await s.suppressions.count()).toBe(3);
      expect(
        await s.suppressions.find([
          { kind: 'email', value: 'ann.lee@example.co.uk' },
          { kind: 'phone', value: '+442079460018' },
          { kind: 'domain', value: 'competitor.example' },
        ]),
      ).toHaveLength(3);
      expect((await s.suppressions.find([{ kind: 'phone', value: '+442079460018' }]))[0]).toMatchObject({
        reason: 'TPS',
        source: 'import:dnc.csv',
      });
    });
  });
});
