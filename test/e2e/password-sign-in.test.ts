import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/app/access/totp.ts';

/**
 * Console sign-in with e-mail and password end to end (docs/access.md, docs/console.md): real headless
 * Chromium against a real `remit serve`. The first start prints a one-time welcome link for the admin;
 * the admin sets a password through it, signs out, signs in with e-mail and password, turns on a
 * one-time code on "My account" and signs in with it. Same skip rules as console.test.ts.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const SHOTS = join(ROOT, 'test-results');
const CHROMIUM = '/usr/bin/chromium';
const RUN = existsSync(CHROMIUM) || process.env.CI === 'true';
const ADMIN_EMAIL = 'admin@remit.invalid';
const PASSWORD = 'a long admin passphrase';

let server: ChildProcess;
let browser: Browser;
let dir: string;
let base: string;
let welcomeLink: string;

function startServer(db: string): Promise<{ url: string; link: string }> {
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
      const link = /(http:\/\/\S+\/welcome#token=[A-Za-z0-9_-]+)/.exec(out)?.[1];
      if (url && link) {
        clearTimeout(timer);
        expect(out).toContain('valid 72 h');
        resolve({ url, link });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`remit serve exited with ${code}:\n${out}\n${err}`)));
  });
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
  dir = mkdtempSync(join(tmpdir(), 'remit-e2e-pw-'));
  const started = await startServer(join(dir, 'remit.sqlite'));
  base = started.url;
  welcomeLink = started.link;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
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
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signInWithPassword(page: Page, password: string) {
  await page.getByRole('heading', { name: 'Sign in to the Remit console' }).waitFor();
  await page.getByLabel('E-mail', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe.skipIf(!RUN)('console sign-in with e-mail and password', () => {
  it('welcome link → password; sign out; e-mail + password; a wrong one refused; then with a one-time code', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);

    // The first-start link: choose a password, signed in at once; the token leaves the address bar.
    expect(welcomeLink.startsWith(base)).toBe(true);
    await page.goto(welcomeLink);
    await page.getByRole('heading', { name: 'Welcome to Remit' }).waitFor();
    expect(page.url()).not.toContain('token=');
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByLabel('Repeat it').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    expect(await page.getByTestId('whoami').textContent()).toContain('Administrator');
    await page.screenshot({ path: join(SHOTS, 'console-pw-01-welcome-signed-in.png'), fullPage: true });

    // The link works once.
    const reused = await page.evaluate(
      async (token) =>
        (
          await fetch('/v1/session/link', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token, password: 'another long password' }),
          })
        ).status,
      new URL(welcomeLink).hash.slice('#token='.length),
    );
    expect(reused).toBe(410);

    // Sign out, then the primary form: a wrong password is refused, the right one signs in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithPassword(page, 'not the password');
    expect(await page.getByRole('alert').textContent()).toContain('SIGN_IN_FAILED');
    await page.screenshot({ path: join(SHOTS, 'console-pw-02-refused.png'), fullPage: true });
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await page.getByTestId('whoami').textContent()).toContain('Administrator');
    expect(await page.evaluate(async () => ((await (await fetch('/v1/session')).json()) as { roles: string[] }).roles)).toEqual(['admin']);

    // My account: set up a one-time code from the secret shown as text.
    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('button', { name: 'Set up a one-time code' }).click();
    const secret = (await page.getByTestId('totp-secret').locator('code').first().textContent())!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Code from the app').fill(totpCode(secret, Date.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('One-time code on').waitFor();
    await page.screenshot({ path: join(SHOTS, 'console-pw-03-totp-on.png'), fullPage: true });

    // Signing in now asks for a code after the password (the next step's code: the confirming one is spent).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithPassword(page, PASSWORD);
    await page.getByLabel('One-time code').fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.getByTestId('whoami').textContent()).toContain('Administrator');
    await context.close();
  }, 120_000);
});
