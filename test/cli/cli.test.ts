import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { remit } from '../support/remit-cli.ts';
import { baseConfig } from '../support/org-builder.ts';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remit-cli-'));
  await writeFile(join(dir, 'org.json'), JSON.stringify(baseConfig()));
  await writeFile(join(dir, 'uk.json'), JSON.stringify({ id: 'L-17', jurisdiction: 'GB', product: 'isa' }));
  await writeFile(join(dir, 'br.json'), JSON.stringify({ id: 'L-18', jurisdiction: 'BR', product: 'isa' }));
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ id: 'L-19', jurisdiction: 'gb', product: 7 }));
  await writeFile(join(dir, 'broken.json'), '{ "id": ');
  const bad = baseConfig() as any;
  bad.reps[0].team = 'nope';
  bad.rules[0].when = { field: 'score', op: 'gte', value: 'high' };
  await writeFile(join(dir, 'bad-org.json'), JSON.stringify(bad));
});

/** `remit route` on the test org with a lead in the internal routing shape. */
const routeNormalised = (lead: string, ...extra: string[]) =>
  remit('route', '--config', join(dir, 'org.json'), '--lead', join(dir, lead), '--normalised', ...extra);

describe('remit CLI', () => {
  it('route prints the decision JSON and exits 0 when assigned', async () => {
    const r = await routeNormalised('uk.json', '--at', '2026-11-24T14:00:00Z');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ outcome: 'ASSIGNED', leadId: 'L-17', decidedAt: '2026-11-24T14:00:00.000Z', team: { id: 'uk-1' } });
    const again = await routeNormalised('uk.json', '--at', '2026-11-24T14:00:00Z');
    expect(again.stdout).toBe(r.stdout);
  });
  it('exits 3 when refused', async () => {
    const r = await routeNormalised('br.json', '--at', '2026-11-24T14:00:00Z');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).reasons[0].code).toBe('JURISDICTION_NOT_LICENSED');
  });
  it('--explain prints a narrative naming team, rep, licences and strategy', async () => {
    const r = await routeNormalised('uk.json', '--at', '2026-11-24T14:00:00Z', '--explain');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Lead L-17 \(GB, isa \[investments, non_complex\], retail\) → UK One \(uk-1\), rep Alice \(alice\)/);
    expect(r.stdout).toContain('Team uk-1 relied on firm licence(s) fca-uk; rep alice on cert-alice.');
    expect(r.stdout).toContain('Chosen by weighted-round-robin');
  });
  it('exits 2 with field-level errors for an invalid lead or unreadable file', async () => {
    const r = await routeNormalised('bad.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error LEAD_INVALID');
    expect(r.stderr).toMatch(/bad\.json: jurisdiction: ISO 3166-1/);
    expect(r.stderr).toMatch(/bad\.json: product: /);
    const broken = await remit('route', '--config', join(dir, 'org.json'), '--lead', join(dir, 'broken.json'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('error INPUT_UNREADABLE');
    const badTime = await routeNormalised('uk.json', '--at', 'yesterday');
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('error ARGUMENT_INVALID');
  });
  it('validate lists every config problem and exits 2; a good config exits 0', async () => {
    const bad = await remit('validate', '--config', join(dir, 'bad-org.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('reps[0].team: unknown team "nope"');
    expect(bad.stderr).toContain('rules[0].when.value: rule "uk": score gte: expected a number');
    const good = await remit('validate', '--config', join(dir, 'org.json'));
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ok: 1 file\(s\), 3 teams, 5 reps, 9 licences, 2 rules\nversion test-1 sha256:[0-9a-f]{64}\n$/);
  });
  it('validate refuses form return and error URLs that are not http(s), naming the path (W13)', async () => {
    const bank = join(dir, 'bank-bad-urls');
    await cp('examples/bank', bank, { recursive: true });
    const sources = await readFile(join(bank, 'sources.yaml'), 'utf8');
    await writeFile(
      join(bank, 'sources.yaml'),
      sources
        .replace('returnUrl: https://www.example-bank.co.uk/isa/thank-you', 'returnUrl: "javascript:alert(1)"')
        .replace('errorUrl: https://www.example-bank.co.uk/isa/enquiry', 'errorUrl: "data:text/html,<script>alert(1)</script>"'),
    );
    const r = await remit('validate', '--config', bank);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sources\.forms\[0\]\.returnUrl: an http:\/\/ or https:\/\/ URL/);
    expect(r.stderr).toMatch(/sources\.forms\[0\]\.errorUrl: an http:\/\/ or https:\/\/ URL/);
  });
});
