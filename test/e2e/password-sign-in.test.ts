import {
  e2eEnabled,
  launchChromium,
  newLocalPage,
  prepareE2e,
  SHOTS,
  startRemit,
  tearDownE2e,
  type RemitServer,
} from '../support/e2e-harness.ts';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/app/access/totp.ts';

/**
 * Console sign-in with e-mail and password end to end (docs/access.md, docs/console.md): real headless
 * Chromium against a real `remit serve`. The first start prints a one-time welcome link for the admin;
 * the admin sets a password through it, signs out, signs in with e-mail and password, turns on a
 * one-time code on "My account" and signs in with it. Same skip rules as console.test.ts.
 */

const RUN = e2eEnabled('password sign-in');
const ADMIN_EMAIL = 'admin@remit.invalid';
const PASSWORD = 'a long admin passphrase';

let server: RemitServer;
let browser: Browser;
let dir: string;
let base: string;
let welcomeLink: string;

const WELCOME_LINK = /(http:\/\/\S+\/welcome#token=[A-Za-z0-9_-]+)/;

beforeAll(async () => {
  if (!RUN) return;
  dir = prepareE2e('remit-e2e-pw-');
  server = await startRemit({
    db: join(dir, 'remit.sqlite'),
    ready: (out) => /listening on (http:\/\/[^\s]+)/.test(out) && WELCOME_LINK.test(out),
  });
  expect(server.stdout).toContain('valid 72 h');
  base = server.url;
  welcomeLink = WELCOME_LINK.exec(server.stdout)![1]!;
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  if (!RUN) return;
  await tearDownE2e({ browser, server, dir });
});

async function signInWithPassword(page: Page, password: string) {
  await page.getByRole('heading', { name: 'Sign in to the Remit console' }).waitFor();
  await page.getByLabel('E-mail', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe.skipIf(!RUN)('console sign-in with e-mail and password', () => {
  it('welcome link → password; sign out; e-mail + password; a wrong one refused; then with a one-time code', async () => {
    const { context, page } = await newLocalPage(browser, { viewport: { width: 1200, height: 900 }, timeout: 15_000 });

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
