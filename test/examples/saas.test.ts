import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { importCsv } from '../../src/app/sources/import/import-csv.use-case.ts';
import { OUTCOME_EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { auth, startTestService, type TestService } from '../http/service-harness.ts';
import { sampleLeadRows, type SampleLeadRow } from '../scenarios/sample-leads-table.ts';
import { remit } from '../support/remit-cli.ts';

/**
 * examples/saas (docs/example-saas.md): a B2B SaaS org with no licences at all. Every sample lead is posted in
 * the intake format to POST /v1/leads, the way a website or CRM sends it, at the four instants of
 * leads/README.md; the expectations come from that table, not from this file.
 */
const SAAS_DIR = join(import.meta.dirname, '../../examples/saas');
const LEADS_DIR = join(SAAS_DIR, 'leads');
const ACCOUNTS_CSV = join(SAAS_DIR, 'data/named-accounts.csv');
const ROWS = sampleLeadRows(LEADS_DIR);

/** The four instants of leads/README.md: US, EMEA and APAC business hours and a weekend. */
const INSTANTS = ['2026-12-08T18:00:00Z', '2026-12-08T11:00:00Z', '2026-12-08T02:00:00Z', '2026-12-12T16:00:00Z'];

let org: CompiledOrg;
beforeAll(async () => {
  const loaded = await loadConfig('examples/saas');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  org = loaded.value.org;
});

/**
 * A new service (empty store, level ledger) at `at`, serving the saas org with no screening list — what
 * `remit serve --example saas` runs — and the named accounts imported from the example's CSV.
 */
async function saasService(at: string): Promise<TestService> {
  const s = await startTestService({ org, at, lists: [] });
  const imported = await importCsv({
    kind: 'accounts',
    file: ACCOUNTS_CSV,
    input: createReadStream(ACCOUNTS_CSV),
    report: new PassThrough().resume(),
    mapping: null,
    org,
    ctx: s.ctx,
    now: s.clock.now,
    consentAt: at,
  });
  if (!imported.ok || imported.value.counts.invalid > 0) throw new Error(`named accounts not imported: ${JSON.stringify(imported)}`);
  return s;
}

/** Runs `test` against a new saas service at `at`, and always closes it. */
async function withSaasService(at: string, test: (s: TestService) => Promise<void>): Promise<void> {
  const s = await saasService(at);
  try {
    await test(s);
  } finally {
    await s.close();
  }
}

const leadBody = (file: string): object => JSON.parse(readFileSync(join(LEADS_DIR, file), 'utf8')) as object;

async function postLead(s: TestService, body: object) {
  const res = await s.app.inject({ method: 'POST', url: '/v1/leads', payload: body, headers: auth(s.tokens.integration) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('examples/saas validates with zero licence grants', () => {
  it('remit validate --config examples/saas passes, counts 0 licences and prints no licence warning', async () => {
    const r = await remit('validate', '--config', 'examples/saas');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok: \d+ file\(s\), 13 teams, 30 reps, 0 licences, 7 rules\n/);
    expect(r.stderr).not.toMatch(/REGULATED|LICENCE/);
    expect(org.config.licences).toEqual([]);
  });
});

describe('the sample-lead table (examples/saas/leads/README.md)', () => {
  it('lists every lead file at each of the four instants, and nothing else', () => {
    const files = readdirSync(LEADS_DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const expected = files.flatMap((f) => INSTANTS.map((at) => `${f} ${at}`)).sort();
    expect(ROWS.map((r) => `${r.file} ${r.at}`).sort()).toEqual(expected);
  });
});

describe('every sample lead routes as its table row says', () => {
  it.each(ROWS.map((r) => [`${r.file} at ${r.at}`, r] as const))('%s', async (_name, row: SampleLeadRow) => {
    await withSaasService(row.at, async (s) => {
      const body = await postLead(s, leadBody(row.file));
      const d = body.decision;
      expect({ outcome: body.status, rule: d.rule?.id ?? null, team: d.team?.id ?? null, rep: d.rep?.id ?? null }).toEqual({
        outcome: row.outcome,
        rule: row.rule,
        team: row.team,
        rep: row.rep,
      });
      expect(d.reasons[0].code).toBe(row.reason ?? 'ASSIGNED');
      expect(OUTCOME_EXIT_CODES[body.status as keyof typeof OUTCOME_EXIT_CODES]).toBe(row.exit);
      // Unregulated everywhere: no licence was asked for, and nothing went to the compliance review queue.
      expect(d.licensing).toMatchObject({ status: 'not_applicable', code: 'UNREGULATED_LINE' });
      expect(body.reviewId).toBeNull();
    });
  });
});

describe('the same table from the command line: remit route --example saas --lead <file> --at <instant>', () => {
  // The CLI has no store, so no account match: the named-account rows are the API's alone (above). Every other row
  // routes from the same intake payload, enriched and segmented the same way, at its instant.
  const cliRows = ROWS.filter((r) => !r.file.startsWith('named-account'));
  const files = [...new Set(cliRows.map((r) => r.file))];
  it.each(files)(
    '%s at each instant',
    async (file) => {
      const rows = cliRows.filter((r) => r.file === file);
      const results = await Promise.all(
        rows.map((r) => remit('route', '--example', 'saas', '--lead', join(LEADS_DIR, file), '--at', r.at)),
      );
      rows.forEach((row, i) => {
        const r = results[i]!;
        expect(r.code, `${file} at ${row.at}: ${r.stderr}`).toBe(row.exit);
        const d = JSON.parse(r.stdout);
        expect({ outcome: d.outcome, rule: d.rule?.id ?? null, team: d.team?.id ?? null, rep: d.rep?.id ?? null }).toEqual({
          outcome: row.outcome,
          rule: row.rule,
          team: row.team,
          rep: row.rep,
        });
        expect(d.licensing).toMatchObject({ status: 'not_applicable', code: 'UNREGULATED_LINE' });
      });
    },
    60_000,
  );
});

describe('an email-only lead posted to the API', () => {
  it('is ASSIGNED by the company-segment rule, with the matching segment condition in the decision', async () => {
    await withSaasService('2026-12-08T18:00:00Z', async (s) => {
      const body = await postLead(s, {
        source: 'chat',
        person: { email: 'Priya.Raman@Northwind-Analytics.example' },
        address: { country: 'US' },
      });
      expect(body.status).toBe('ASSIGNED');
      const d = body.decision;
      expect(d.rule.id).toBe('mid-market');
      // The trace shows the comparison that matched, with the lead's value: the segment enrichment gave it.
      expect(JSON.stringify(d.rule.trace)).toContain('company.segment');
      expect(JSON.stringify(d.rule.trace)).toContain('"MM"');
      expect(d.rep.id).toBe('sean-walsh');
      expect(d.strategy.chosenBy).toBe('skills-match');
      const lead = (await s.app.inject({ method: 'GET', url: `/v1/leads/${body.leadId}`, headers: auth(s.tokens.ops) })).json();
      expect(lead.contact.firstName).toBeUndefined();
      expect(lead.decision.rule.id).toBe('mid-market');
    });
  });
});

describe('round robin with caps', () => {
  it("SMB leads alternate between the on-duty velocity AEs: pool caps first, then each rep's maxLeadsPerDay, then the queue", async () => {
    await withSaasService('2026-12-08T18:00:00Z', async (s) => {
      const smb = org.config.pools!.find((p) => p.id === 'smb')!;
      const onDuty = ['brianna-cole', 'emily-shaw'];
      const poolCap = (rep: string) => smb.members!.find((m) => m.rep === rep)!.cap!;
      const dailyCap = (rep: string) => org.repsById.get(rep)!.capacity.maxLeadsPerDay!;
      const poolTotal = onDuty.reduce((n, rep) => n + poolCap(rep), 0);
      const dailyTotal = onDuty.reduce((n, rep) => n + dailyCap(rep), 0);
      const decisions: { status: string; decision: { rep: { id: string } | null; reasons: { code: string }[]; strategy: unknown } }[] = [];
      for (let i = 0; i <= dailyTotal; i++) {
        decisions.push(
          await postLead(s, {
            source: 'demo_request',
            person: { email: `buyer${i}@smb-${i}.example` },
            company: { name: `Small Co ${i}`, employees: 20 },
            address: { country: 'US' },
          }),
        );
      }
      const reps = decisions.map((d) => d.decision.rep?.id ?? d.status);
      expect(reps.slice(0, 4)).toEqual(['brianna-cole', 'emily-shaw', 'brianna-cole', 'emily-shaw']);
      // Within the pool caps the smb pool picks; past them the lead is never lost to the pool: a plain rotation takes over.
      for (const rep of onDuty) expect(reps.slice(0, poolTotal).filter((r) => r === rep)).toHaveLength(poolCap(rep));
      expect(JSON.stringify(decisions[poolTotal]!.decision.strategy)).toContain('at their pool cap for today');
      // The rep's own maxLeadsPerDay is the hard limit; then the lead waits for the team.
      for (const rep of onDuty) expect(reps.filter((r) => r === rep)).toHaveLength(dailyCap(rep));
      expect(decisions.at(-1)).toMatchObject({ status: 'QUEUED', decision: { reasons: [{ code: 'NO_AVAILABLE_REP' }] } });
    });
  });
});

describe('named accounts', () => {
  it('a subsidiary account without an owner routes to its parent account owner (data/named-accounts.csv)', async () => {
    await withSaasService('2026-12-08T11:00:00Z', async (s) => {
      const body = await postLead(s, { source: 'web_form', person: { email: 'ops@globex-canada.example' }, address: { country: 'CA' } });
      expect(body.status).toBe('ASSIGNED');
      expect(body.decision.rule.id).toBe('named-accounts');
      expect(body.decision.rep.id).toBe('marcus-bell');
      expect(body.decision.strategy.chosenBy).toBe('account-owner');
    });
  });
});

describe('the fallback owner', () => {
  it('takes a lead nobody covers at any hour, without opening a compliance review', async () => {
    await withSaasService('2026-12-12T16:00:00Z', async (s) => {
      const body = await postLead(s, leadBody('uncovered-country-br.json'));
      expect(body.status).toBe('ASSIGNED');
      expect(body.decision.rep.id).toBe(org.config.fallback?.kind === 'owner' ? org.config.fallback.rep : 'no fallback owner');
      expect(body.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['FALLBACK_OWNER', 'NO_LAWFUL_CANDIDATE']);
      const reviews = (await s.app.inject({ method: 'GET', url: '/v1/review', headers: auth(s.tokens.compliance) })).json();
      expect(JSON.stringify(reviews)).not.toContain(body.leadId);
    });
  });
});
