import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type TestProvider } from '../support/oidc-test-provider.ts';

/**
 * Single sign-on end to end (docs/access.md "Single sign-on"): a real OpenID Connect provider
 * (oidc-provider) and a real `remit serve` whose org config (a copy of examples/bank) names it in
 * `access.oidc`; Chromium signs in through the provider's login page as a compliance officer and
 * approves an exception another person (ops, with a key) requested. Under CI=true a missing browser fails.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const SHOTS = join(ROOT, 'test-results');
const CHROMIUM = '/usr/bin/chromium';
const RUN = existsSync(CHROMIUM) || process.env.CI === 'true';
if (!RUN) console.warn(`\n*** SSO e2e SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium; CI installs it) ***\n`);

let server: ChildProcess;
let provider: TestProvider;
let browser: Browser;
let base: string;
let adminKey: string;
let dir: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function api(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

function startServer(config: string, db: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['src/cli/main.ts', 'serve', '--config', config, '--db', db, '--port', String(port), '--quiet'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`remit serve did not start:\n${out}\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const admin = /(remit_[A-Za-z0-9_-]+)/.exec(out)?.[1];
      if (/listening on http/.test(out) && admin) {
        clearTimeout(timer);
        resolve(admin);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`remit serve exited with ${code}:\n${out}\n${err}`)));
  });
}

/** The example org with single sign-on added: compliance officers come from the provider's remit-compliance group. */
function configWithSso(issuer: string): string {
  const config = join(dir, 'config');
  cpSync(join(ROOT, 'examples', 'bank'), config, { recursive: true });
  writeFileSync(
    join(config, 'access.yaml'),
    [
      'access:',
      '  oidc:',
      `    issuer: ${issuer}`,
      '    clientId: remit',
      '    rolesClaim: groups',
      '    roleMap:',
      '      remit-compliance: [compliance]',
      '    createUsers: true',
      '',
    ].join('\n'),
  );
  return config;
}

beforeAll(async () => {
  if (!RUN) return;
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) {
    const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'web/vite.config.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
    });
    if (build.status !== 0) throw new Error(`console build failed:\n${build.stdout}\n${build.stderr}`);
  }
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'remit-sso-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({
    clients: [{ client_id: 'remit', redirect_uris: [`${base}/v1/auth/oidc/callback`] }],
    accounts: {
      'clara.compliance': { email: 'clara@bank.example', email_verified: true, name: 'Clara Compliance', groups: ['remit-compliance'] },
      'sam.staff': { email: 'sam@bank.example', email_verified: true, name: 'Sam Staff', groups: ['staff'] },
    },
  });
  adminKey = await startServer(configWithSso(provider.issuer), join(dir, 'remit.sqlite'), port);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}, 90_000);

afterAll(async () => {
  if (!RUN) return;
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  await provider?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!RUN)('single sign-on in the console', () => {
  it('a compliance officer signs in through the provider and approves an exception another person requested', async () => {
    const ops = await api('POST', '/v1/keys', adminKey, { name: 'e2e ops', role: 'ops' });
    const integration = await api('POST', '/v1/keys', adminKey, { name: 'e2e web form', role: 'integration' });
    expect([ops.status, integration.status]).toEqual([201, 201]);
    const lead = await api('POST', '/v1/leads', integration.body.token, {
      source: 'web_form',
      product: 'uk-stocks-shares-isa',
      person: { firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@example.co.uk', phone: '+44 20 7946 0018' },
      address: { country: 'GB', postalCode: 'SW1A 1AA' },
    });
    expect(lead.status).toBe(201);
    const requested = await api('POST', `/v1/leads/${lead.body.leadId}/exceptions`, ops.body.token, {
      reason: 'Client asked to be served by the London day team',
    });
    expect(requested.status).toBe(201);
    const reviewId = requested.body.review.id as string;

    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    // The provider's own login page (another origin): the console never sees the password.
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill('clara.compliance');
    await page.locator('input[name="password"]').fill('any password');
    await page.screenshot({ path: join(SHOTS, 'sso-01-provider-login.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByTestId('whoami').waitFor();
    expect(page.url().startsWith(base)).toBe(true);
    expect(await page.getByTestId('whoami').textContent()).toContain('Clara Compliance');
    expect(await page.getByTestId('whoami').textContent()).toContain('compliance');
    const me = (await page.evaluate(async () => (await fetch('/v1/session')).json())) as { userId: string };
    expect(me).toMatchObject({ name: 'Clara Compliance', roles: ['compliance'], keyId: null });

    await page.goto(`${base}/review/${reviewId}`);
    await page.getByRole('heading', { name: 'Approve a named assignment' }).waitFor();
    await page.getByLabel('Team', { exact: true }).selectOption('uk-everyday');
    await page.getByLabel('Rep', { exact: true }).selectOption('amelia-hughes');
    await page.getByLabel(/Justification/).fill('Client asked for the London day team; confirmed by phone.');
    await page.getByRole('button', { name: 'Approve assignment' }).click();
    await page.getByTestId('approval-answer').waitFor();
    await page.screenshot({ path: join(SHOTS, 'sso-02-approved.png'), fullPage: true });

    const review = await api('GET', `/v1/review/${reviewId}`, adminKey);
    expect(review.body.review).toMatchObject({ status: 'APPROVED', requestedBy: ops.body.key.userId, decidedBy: me.userId });
    expect(me.userId).not.toBe(ops.body.key.userId);
    const people = await api('GET', '/v1/users', adminKey);
    const clara = (people.body.users as { id: string; createdBy: string; email: string }[]).find((u) => u.id === me.userId);
    expect(clara).toMatchObject({ email: 'clara@bank.example', createdBy: `sso:${provider.issuer}` });
    await context.close();
  }, 60_000);

  it('someone whose groups map to no Remit role comes back to the sign-in page with a clear message, signed out', async () => {
    const context = await browser.newContext();
    await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill('sam.staff');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Single sign-on failed' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('SSO_FAILED');
    expect(await alert.textContent()).toContain('no Remit role in your groups');
    // Back on the sign-in page (its secondary, API-key sign-in is offered), and signed out.
    await page.getByText('Sign in with an API key').waitFor();
    expect(await page.evaluate(async () => (await fetch('/v1/session')).status)).toBe(401);
    await page.screenshot({ path: join(SHOTS, 'sso-03-refused.png'), fullPage: true });
    await context.close();
  }, 60_000);
});
