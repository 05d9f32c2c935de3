import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKey, startServer, type ServerProcess } from '../service/fixtures/service-fixtures.ts';
import { remit } from '../support/remit-cli.ts';

/**
 * `--example <name>` (README quick start, docs/example-saas.md): the example orgs under examples/ by name, on the
 * real CLI. An unknown name is a field-level error naming the flag and the known examples.
 */

const tmpDb = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'remit-example-option-')), 'remit.sqlite')}`;
const errorOf = (stderr: string) => JSON.parse(stderr.trim().split('\n').at(-1)!) as { code: string; details: object[] };

describe('remit validate --example', () => {
  it('validates examples/saas and examples/bank by name', async () => {
    const saas = await remit('validate', '--example', 'saas');
    expect(saas.code, saas.stderr).toBe(0);
    expect(saas.stdout).toMatch(/13 teams, 30 reps, 0 licences, 7 rules\nversion 2026\.12\.1 sha256:/);
    const bank = await remit('validate', '--example', 'bank');
    expect(bank.code, bank.stderr).toBe(0);
    // The same org as by path: same version and content hash.
    const byPath = await remit('validate', '--config', 'examples/bank');
    expect(bank.stdout.split('\n')[1]).toBe(byPath.stdout.split('\n')[1]);
  });

  it('refuses an unknown name (or a path in disguise) with a field-level error listing the examples', async () => {
    for (const name of ['insurance', '../examples/bank', '.']) {
      const r = await remit('validate', '--example', name);
      expect(r.code).toBe(2);
      expect(errorOf(r.stderr)).toMatchObject({
        code: 'ARGUMENT_INVALID',
        details: [{ path: '--example', message: `unknown example "${name}"; known: bank, saas` }],
      });
    }
  });

  it('needs --config or --example, and not both', async () => {
    const neither = await remit('validate');
    expect(neither.code).toBe(2);
    expect(errorOf(neither.stderr).details).toEqual([{ path: '--config', message: 'required: --config <path> or --example <name>' }]);
    const both = await remit('validate', '--config', 'examples/bank', '--example', 'saas');
    expect(both.code).toBe(2);
    expect(errorOf(both.stderr).details).toEqual([{ path: '--example', message: 'give --config or --example, not both' }]);
  });
});

describe('remit simulate and import --example', () => {
  it('simulate --example resolves the draft (then needs a recorded store); an unknown name is refused first', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'remit-example-sim-')), 'none.sqlite');
    const r = await remit('simulate', '--example', 'saas', '--db', `sqlite:${missing}`);
    expect(r.code).toBe(2);
    expect(errorOf(r.stderr)).toMatchObject({ code: 'INPUT_UNREADABLE', details: [{ file: missing }] });
    const unknown = await remit('simulate', '--example', 'nope', '--db', `sqlite:${missing}`);
    expect(errorOf(unknown.stderr).details).toEqual([{ path: '--example', message: 'unknown example "nope"; known: bank, saas' }]);
  });

  it('import --kind accounts --example saas imports the named accounts, whose owners are saas reps', async () => {
    const db = tmpDb();
    const csv = 'examples/saas/data/named-accounts.csv';
    const report = join(mkdtempSync(join(tmpdir(), 'remit-example-import-')), 'report.csv');
    const r = await remit('import', '--kind', 'accounts', '--example', 'saas', '--db', db, '--report', report, '--json', csv);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
    const rows = lines.length;
    const owned = lines.filter((l) => l.split(',')[3] !== '').length;
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'accounts', rows, counts: { invalid: 0 } });
    // The bank org has none of these owners: against it every row naming one is refused.
    const againstBank = await remit(
      'import',
      '--kind',
      'accounts',
      '--example',
      'bank',
      '--db',
      tmpDb(),
      '--report',
      report,
      '--json',
      csv,
    );
    expect(JSON.parse(againstBank.stdout)).toMatchObject({ counts: { invalid: owned } });
  });
});

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.kill('SIGTERM');
  server = undefined;
});

describe('remit serve --example saas', () => {
  it('serves the saas org: an email-only lead is routed by its enriched company segment', async () => {
    server = await startServer({ db: tmpDb(), lists: [], args: ['--example', 'saas'] });
    expect(server.output()).toMatch(/Remit listening on .* org 2026\.12\.1 /);
    const token = await createKey(server, server.adminToken!, 'integration');
    const res = await fetch(`${server.base}/v1/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: readFileSync('examples/saas/leads/email-only-chat-us.json', 'utf8'),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { status: string; decision: { rule: { id: string; trace: unknown } } };
    // The real clock decides ASSIGNED (NA hours) or QUEUED (otherwise); the rule is the same at any hour.
    expect(['ASSIGNED', 'QUEUED']).toContain(body.status);
    expect(body.decision.rule.id).toBe('mid-market');
    expect(JSON.stringify(body.decision.rule.trace)).toContain('company.segment');
  });

  it('refuses an unknown example before starting', async () => {
    await expect(startServer({ db: tmpDb(), lists: [], args: ['--example', 'bankk'], timeoutMs: 20_000 })).rejects.toThrow(
      /unknown example \\"bankk\\"; known: bank, saas/,
    );
  });
});
