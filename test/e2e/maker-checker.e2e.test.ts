import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Maker-checker for org versions in the console (docs/access.md, docs/console.md), end to end: real headless
 * Chromium against a real `remit serve` on a temporary SQLite file. An admin's draft that removes a licence
 * grant waits for a second person and shows the removed grant; a compliance officer the admin did not create
 * (provisioned by the operator with `remit keys create`) approves it, and the new version is in force.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const SHOTS = join(ROOT, 'test-results');
const CHROMIUM = '/usr/bin/chromium';
const RUN = existsSync(CHROMIUM) || process.env.CI === 'true';
if (!RUN) console.warn(`\n*** maker-checker e2e SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium; CI installs it) ***\n`);

const GRANT = 'fca-uk-investments';
let server: ChildProcess;
let base: string;
let adminKey: string;
let complianceKey: string;
let browser: Browser;
let dir: string;

async function api(path: string, token: string) {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Record<string, any>;
}

function startServer(db: string): Promise<{ url: string; admin: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['src/cli/main.ts', 'serve', '--db', db, '--port', '0', '--quiet'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0' },
    });
    server = child;
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`remit serve did not start:\n${out}\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/[^\s]+)/.exec(out)?.[1];
      const admin = /(remit_[A-Za-z0-9_-]+)/.exec(out)?.[1];
      if (url && admin) {
        clearTimeout(timer);
        resolve({ url, admin });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`remit serve exited with ${code}:\n${out}\n${err}`)));
  });
}

async function signedIn(key: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${base}/`);
  // The API-key form is the secondary sign-in, behind a disclosure (the primary form is e-mail and password).
  await page.getByText('Sign in with an API key').click();
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in with key' }).click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `maker-checker-${name}.png`), fullPage: true });

beforeAll(async () => {
  if (!RUN) return;
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html')))
    throw new Error('build the console first: vite build --config web/vite.config.ts');
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'remit-mc-e2e-'));
  const db = join(dir, 'remit.sqlite');
  const started = await startServer(db);
  base = started.url;
  adminKey = started.admin;
  // The operator provisions the compliance officer: a person the admin did not create (segregation of duties).
  const cli = spawnSync(NODE, ['src/cli/main.ts', 'keys', 'create', '--role', 'compliance', '--name', 'e2e compliance', '--db', db], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (cli.status !== 0) throw new Error(`remit keys create failed:\n${cli.stdout}\n${cli.stderr}`);
  complianceKey = (JSON.parse(cli.stdout) as { token: string }).token;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
}, 90_000);

afterAll(async () => {
  if (!RUN) return;
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The admin publishes a draft without the grant from the Rules page; returns the draft id shown. */
async function adminAsksToRemoveGrant(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'Rules & simulation' }).click();
  await page.getByRole('heading', { name: 'Published rule set' }).waitFor();
  await page.getByRole('button', { name: 'Load the current version' }).click();
  const editor = page.getByLabel('Draft org config (JSON)');
  const draft = JSON.parse(await editor.inputValue()) as { version?: string; licences: { id: string }[] };
  expect(draft.licences.some((l) => l.id === GRANT)).toBe(true);
  draft.licences = draft.licences.filter((l) => l.id !== GRANT);
  draft.version = 'without-uk-investments';
  await editor.fill(JSON.stringify(draft));
  await page.getByRole('button', { name: 'Publish this draft' }).click();
  const pending = page.getByTestId('draft-pending');
  await pending.waitFor({ timeout: 30_000 });
  expect(await pending.textContent()).toContain(`licences ${GRANT} removed`);
  const link = pending.getByRole('link', { name: /Open draft/ });
  const id = /Open draft (\S+)/.exec((await link.textContent()) ?? '')![1]!;
  await link.click();
  return id;
}

describe.skipIf(!RUN)('maker-checker for org versions in the console', () => {
  it("an admin's draft removing a licence waits and shows the removed grant; an independent compliance officer approves it", async () => {
    const before = await api('/v1/org', adminKey);
    const admin = await signedIn(adminKey);
    const id = await adminAsksToRemoveGrant(admin);
    const removed = admin.getByTestId(`diff-licences-${GRANT}`);
    await removed.waitFor();
    expect(await removed.getAttribute('data-change')).toBe('removed');
    expect(await admin.getByTestId('draft-header').textContent()).toContain('pending_approval');
    // The maker sees no approve button: a second person must decide.
    expect(await admin.getByTestId('not-approver').textContent()).toContain('a second person must approve it');
    expect(await admin.getByRole('button', { name: 'Approve and publish' }).count()).toBe(0);
    await shot(admin, '01-admin-draft');
    await admin.context().close();
    // Nothing in force yet.
    expect((await api('/v1/org', adminKey)).hash).toBe(before.hash);

    const checker = await signedIn(complianceKey);
    await checker.getByRole('link', { name: 'Rules & simulation' }).click();
    const list = checker.getByTestId('pending-drafts');
    await list.getByRole('link', { name: id }).click();
    await checker.getByTestId(`diff-licences-${GRANT}`).waitFor();
    expect(await checker.getByTestId('config-diff').textContent()).toContain(GRANT);
    await checker.getByTestId('draft-simulation').waitFor();
    await shot(checker, '02-compliance-draft');
    await checker.getByRole('button', { name: 'Approve and publish' }).click();
    await checker.getByText('published', { exact: true }).waitFor();
    await shot(checker, '03-approved');
    await checker.context().close();

    const after = await api('/v1/org', adminKey);
    expect(after.hash).not.toBe(before.hash);
    expect(after.config.licences.some((l: { id: string }) => l.id === GRANT)).toBe(false);
    const drafts = (await api(`/v1/org/drafts/${id}`, adminKey)) as {
      status: string;
      draftHash: string;
      requestedBy: string;
      decidedBy: string;
    };
    expect(drafts).toMatchObject({ status: 'published', draftHash: after.hash });
    expect(drafts.decidedBy).not.toBe(drafts.requestedBy);
  });
});
