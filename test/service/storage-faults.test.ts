import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { corruptPages, eventually } from '../store/storage-faults.fixtures.ts';
import { bankVariant, BIN, REPO, serviceLead, startServer, writeConfigFile, type ServerProcess } from './fixtures/service-fixtures.ts';

/**
 * W1 on a real `remit serve` (docs/storage.md "Storage faults (W1) and file permissions (W16)"): the report deleted and
 * overwrote the SQLite store under a running server and saw 201s, a green /ready, a silent empty
 * store on restart, a stack trace from `remit audit verify` and a 500 from HTTP verify.
 */

let config: string;
const dirs: string[] = [];
const servers: ServerProcess[] = [];

beforeAll(async () => {
  config = writeConfigFile(await bankVariant({ version: 'storage-faults' }));
});
afterAll(async () => {
  for (const s of servers) await s.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A deployment: the store in its own data folder, the audit key file configured outside it (docs/operations.md). */
function deployment() {
  const root = mkdtempSync(join(tmpdir(), 'remit-faults-svc-'));
  dirs.push(root);
  const data = join(root, 'data');
  mkdirSync(join(root, 'secrets'));
  return { root, data, file: join(data, 'remit.sqlite'), env: { REMIT_AUDIT_KEY_FILE: join(root, 'secrets', 'audit-signing-key.pem') } };
}

type Served = ServerProcess & { readonly adminToken: string };

/** Starts `remit serve`; on a store that already has keys, `adminToken` is the one printed on its first start. */
async function serve(file: string, env: Record<string, string>, args: readonly string[] = [], adminToken?: string): Promise<Served> {
  const server = await startServer({ db: `sqlite:${file}`, config, env, args });
  servers.push(server);
  const token = adminToken ?? server.adminToken;
  expect(token, server.output()).toMatch(/^remit_/);
  return { ...server, adminToken: token! };
}

/** `remit serve` that must refuse to start: its exit code and what it printed. */
function serveRefused(file: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const args = [BIN, 'serve', '--config', config, '--db', `sqlite:${file}`, '--port', '0', '--quiet'];
  const r = spawnSync(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stderr: r.stderr };
}

const json = { 'content-type': 'application/json' };
const postLead = (s: Served, i: number) =>
  fetch(`${s.base}/v1/leads`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${s.adminToken}` },
    body: JSON.stringify(serviceLead('sf', i)),
  });
const ready = async (s: ServerProcess) => {
  const res = await fetch(`${s.base}/ready`);
  return { status: res.status, body: (await res.json()) as ErrorBody & { storage?: { integrityCheckedAt: string | null } } };
};
type ErrorBody = { code?: string; details?: { path: string; message: string }[] };
const reasonOf = (body: ErrorBody) => body.details?.find((d) => d.path === 'storage.reason')?.message;
const removeStoreFiles = (file: string) => {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
};

describe('W1: the SQLite store deleted while serving', () => {
  it('next lead 503 STORE_UNAVAILABLE, /ready 503; a restart refuses to create an empty store (exit 8) until --init', async () => {
    const d = deployment();
    const server = await serve(d.file, d.env);
    expect((await postLead(server, 1)).status).toBe(201);
    expect((await ready(server)).status).toBe(200);

    removeStoreFiles(d.file);
    const refused = await postLead(server, 2);
    const body = (await refused.json()) as { code: string; details: { path: string; message: string }[] };
    expect([refused.status, body.code, reasonOf(body)]).toEqual([503, 'STORE_UNAVAILABLE', 'STORE_FILE_MISSING']);
    const r = await ready(server);
    expect([r.status, r.body.code, reasonOf(r.body)]).toEqual([503, 'STORE_UNAVAILABLE', 'STORE_FILE_MISSING']);
    await server.kill('SIGKILL');

    const restart = serveRefused(d.file, d.env);
    expect(restart.status, restart.stderr).toBe(8);
    expect(restart.stderr).toMatch(/^error STORE_MISSING: the store .*remit\.sqlite is missing/);
    expect(restart.stderr).toMatch(/--init/);
    expect(restart.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(d.file)).toBe(false);

    const fresh = await serve(d.file, d.env, ['--init']);
    expect(fresh.output()).toMatch(/First start: created the admin person usr-\S+ and their API key/);
    expect((await postLead(fresh, 3)).status).toBe(201);
  });

  it('the whole data folder deleted: writes refused; restart refused on the evidence of the audit key file kept outside it', async () => {
    const d = deployment();
    const server = await serve(d.file, d.env);
    expect((await postLead(server, 1)).status).toBe(201);
    rmSync(d.data, { recursive: true, force: true });
    expect((await postLead(server, 2)).status).toBe(503);
    expect((await ready(server)).status).toBe(503);
    await server.kill('SIGKILL');

    const restart = serveRefused(d.file, d.env);
    expect(restart.status, restart.stderr).toBe(8);
    expect(restart.stderr).toMatch(/error STORE_MISSING: .*audit signing key file/);
    expect(existsSync(d.file)).toBe(false);
    await serve(d.file, d.env, ['--init']);
  });

  it('a genuinely first start needs no flag', async () => {
    const d = deployment();
    const server = await serve(d.file, d.env);
    expect(server.output()).toMatch(/First start: created the admin person usr-\S+ and their API key/);
    expect((await ready(server)).status).toBe(200);
  });
});

describe('W1: the SQLite store replaced or damaged while serving', () => {
  it('replaced by another store file: /ready 503 STORE_FILE_REPLACED and writes refused', async () => {
    const d = deployment();
    const server = await serve(d.file, d.env);
    expect((await postLead(server, 1)).status).toBe(201);
    const other = join(d.root, 'other.sqlite');
    await (await openStore({ url: `sqlite:${other}` })).close();
    renameSync(other, d.file);
    const r = await ready(server);
    expect([r.status, reasonOf(r.body)]).toEqual([503, 'STORE_FILE_REPLACED']);
    expect((await postLead(server, 2)).status).toBe(503);
  });

  it('pages overwritten with random bytes: the periodic quick_check turns /ready red, writes and HTTP verify answer 503', async () => {
    const d = deployment();
    const seeding = await serve(d.file, d.env);
    for (let i = 0; i < 40; i++) expect((await postLead(seeding, i)).status).toBe(201);
    // A clean stop checkpoints the WAL into the file, so the copies hold every page.
    expect((await seeding.kill('SIGTERM')).code).toBe(0);

    const copy = join(d.root, 'copy', 'remit.sqlite');
    mkdirSync(join(d.root, 'copy'));
    copyFileSync(d.file, copy);
    const env = { ...d.env, REMIT_AUDIT_KEY_FILE: join(d.root, 'copy', 'key.pem'), REMIT_STORE_CHECK_MS: '100' };
    const server = await serve(copy, env, [], seeding.adminToken);
    await eventually(async () => ((await ready(server)).body.storage?.integrityCheckedAt ? true : undefined));
    expect(corruptPages(copy, 0.3, 0.7).pages).toBeGreaterThan(5);

    const red = await eventually(async () => {
      const r = await ready(server);
      return r.status === 503 ? r : undefined;
    });
    expect([red.body.code, reasonOf(red.body)]).toEqual(['STORE_UNAVAILABLE', 'STORE_CORRUPT']);
    expect((await postLead(server, 100)).status).toBe(503);
    const verifyHeaders = { ...json, authorization: `Bearer ${server.adminToken}` };
    const verify = await fetch(`${server.base}/v1/audit/verify`, { method: 'POST', headers: verifyHeaders, body: '{}' });
    const verifyBody = (await verify.json()) as { code: string; details: { path: string; message: string }[] };
    expect([verify.status, verifyBody.code, reasonOf(verifyBody)]).toEqual([503, 'STORE_UNAVAILABLE', 'STORE_CORRUPT']);
  });
});

describe('W1: remit audit verify on a damaged store', () => {
  it('exits 8 STORE_UNAVAILABLE with a clear message and the JSON error, no stack trace', async () => {
    const d = deployment();
    const store = await openStore({ url: `sqlite:${d.file}` });
    const filler = (i: number) => ({
      id: `key_${i}`,
      name: `filler ${i} ${'x'.repeat(200)}`,
      role: 'ops' as const,
      repId: null,
      secretHash: `${i}`.padStart(64, '0'),
      createdAt: new Date().toISOString(),
      createdBy: 'test',
      userId: 'usr_test',
    });
    for (let i = 0; i < 100; i++) await store.transaction((tx) => tx.apiKeys.create(filler(i)));
    await store.close();
    // Every page but the first (the header): what a failing disk or a stray dd leaves.
    corruptPages(d.file, 0, 1);
    const args = [BIN, 'audit', 'verify', '--db', `sqlite:${d.file}`];
    const cli = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
    expect(cli.status, cli.stderr).toBe(8);
    const cause = /(database disk image is malformed|file is not a database)/;
    expect(cli.stderr).toMatch(new RegExp(`^error STORE_UNAVAILABLE: the store cannot be opened: ${cause.source}`));
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    const reported = JSON.parse(cli.stderr.split('\n')[1]!) as unknown;
    expect(reported).toMatchObject({ code: 'STORE_UNAVAILABLE', details: [{ path: 'store', message: 'STORE_CORRUPT' }] });
  });
});
