import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { remit } from '../support/remit-cli.ts';
import { README_CURL_BODY } from '../support/readme-curl.ts';
import { baseConfig } from '../support/org-builder.ts';
import { saasConfig } from '../support/saas-org.ts';
import { auth, DEFAULT_TEST_LISTS, startTestService } from '../http/service-harness.ts';

/** docs/cli.md "route": one lead format — the intake payload of POST /v1/leads — and the internal shape with --normalised. */
let dir = '';
const AT = '2026-11-24T11:00:00Z';
const lists = DEFAULT_TEST_LISTS.flatMap((l) => ['--list', l]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remit-route-intake-'));
  await writeFile(join(dir, 'readme-lead.json'), README_CURL_BODY ?? '');
  await writeFile(join(dir, 'saas.json'), JSON.stringify(saasConfig()));
  await writeFile(join(dir, 'bank-test.json'), JSON.stringify(baseConfig()));
  await writeFile(
    join(dir, 'email-only.json'),
    JSON.stringify({ source: 'chat', person: { email: 'jo@example.de' }, address: { country: 'DE' } }),
  );
  await writeFile(
    join(dir, 'bad.json'),
    JSON.stringify({ source: 'chat', person: { email: 'not-mail' }, address: { country: 'Atlantis' } }),
  );
  await writeFile(join(dir, 'internal.json'), JSON.stringify({ id: 'L-1', jurisdiction: 'GB', product: 'isa' }));
});

/** `remit route` with a config and a lead written into the test's folder. */
const route = (config: string, lead: string, ...extra: string[]) =>
  remit('route', '--config', join(dir, config), '--lead', join(dir, lead), ...extra);

describe('remit route --lead with the intake payload', () => {
  it("routes the README's curl body exactly as POST /v1/leads does", async () => {
    expect(README_CURL_BODY).toBeDefined();
    const cli = await remit('route', '--config', 'examples/bank', '--lead', join(dir, 'readme-lead.json'), '--at', AT, ...lists);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const routed = JSON.parse(cli.stdout);
    const s = await startTestService({ at: AT });
    try {
      const api = await s.app.inject({
        method: 'POST',
        url: '/v1/leads',
        payload: JSON.parse(README_CURL_BODY!) as object,
        headers: auth(s.tokens.integration),
      });
      const d = api.json().decision;
      expect(routed.outcome).toBe('ASSIGNED');
      // Same normalisation, screening and rules: the same decision (ids and the recorded time aside).
      for (const key of ['outcome', 'team', 'rep', 'rule', 'constraints', 'candidates', 'reasons'])
        expect({ [key]: key === 'reasons' ? d[key].map((r: { code: string }) => r.code) : d[key] }).toEqual({
          [key]: key === 'reasons' ? routed[key].map((r: { code: string }) => r.code) : routed[key],
        });
    } finally {
      await s.close();
    }
  });

  it('routes an email-only lead without product to an unregulated org, licensing not_applicable', async () => {
    const r = await remit(
      'route',
      '--config',
      join(dir, 'saas.json'),
      '--lead',
      join(dir, 'email-only.json'),
      '--at',
      '2026-11-24T14:00:00Z',
    );
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ leadId: 'email-only', outcome: 'ASSIGNED', rep: { id: 'eva' }, licensing: { status: 'not_applicable' } });
    expect(d.constraints.product.id).toBe('platform');
  });

  it('reports the same field-level errors as the API (exit 2), and a missing product for a regulated org', async () => {
    const bad = await route('saas.json', 'bad.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error LEAD_INVALID');
    expect(bad.stderr).toContain('bad.json: /address/country: "Atlantis" is not an ISO 3166-1 country code or name');
    const bank = await route('bank-test.json', 'email-only.json');
    expect(bank.code).toBe(2);
    expect(bank.stderr).toContain('email-only.json: /product: required (the org declares no regulation: every line is regulated)');
  });

  it('takes the internal shape only with --normalised, and says so when it sees one without it', async () => {
    const without = await route('bank-test.json', 'internal.json');
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('(this file is in the internal routing shape: add --normalised)');
    const withFlag = await route('bank-test.json', 'internal.json', '--normalised', '--at', '2026-11-24T14:00:00Z');
    expect(withFlag.code).toBe(0);
    expect(JSON.parse(withFlag.stdout)).toMatchObject({ leadId: 'L-1', outcome: 'ASSIGNED' });
  });
});

describe('remit validate — regulation advice', () => {
  it('warns (exit 0, with a code) when an org without licences has regulated lines; quiet once they are unregulated', async () => {
    const noLicences = { ...baseConfig(), licences: [], appointments: [] };
    await writeFile(join(dir, 'no-licences.json'), JSON.stringify(noLicences));
    const r = await remit('validate', '--config', join(dir, 'no-licences.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: /);
    expect(r.stderr).toMatch(/^warning REGULATED_WITHOUT_LICENCES: no licence grants, but \d+ regulated team line\(s\)/);
    const saas = await remit('validate', '--config', join(dir, 'saas.json'));
    expect(saas.code).toBe(0);
    expect(saas.stderr).toBe('');
  });

  it('notes licence data an unregulated org keeps but never checks', async () => {
    const config = { ...baseConfig(), regulation: { default: 'unregulated' } };
    await writeFile(join(dir, 'ignored.json'), JSON.stringify(config));
    const r = await remit('validate', '--config', join(dir, 'ignored.json'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^info LICENCES_IGNORED_FOR_UNREGULATED_LINES: 9 licence grant\(s\) cover only unregulated lines/m);
  });
});
