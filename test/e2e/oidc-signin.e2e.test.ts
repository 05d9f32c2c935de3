import {
  apiClient,
  e2eEnabled,
  launchChromium,
  newLocalPage,
  prepareE2e,
  ROOT,
  SHOTS,
  startRemit,
  tearDownE2e,
  type Api,
  type RemitServer,
} from '../support/e2e-harness.ts';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type TestProvider } from '../support/oidc-test-provider.ts';

/**
 * Single sign-on end to end (docs/access.md "Single sign-on"): a real OpenID Connect provider
 * (oidc-provider) and a real `remit serve` whose org config (a copy of examples/bank) names it in
 * `access.oidc`; Chromium signs in through the provider's login page as a compliance officer and
 * approves an exception another person (ops, with a key) requested. Under CI=true a missing browser fails.
 */

const RUN = e2eEnabled('SSO');

let server: RemitServer;
let provider: TestProvider;
let browser: Browser;
let base: string;
let adminKey: string;
let api: Api;
let dir: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

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
  dir = prepareE2e('remit-sso-e2e-');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({
    clients: [{ client_id: 'remit', redirect_uris: [`${base}/v1/auth/oidc/callback`] }],
    accounts: {
      'clara.compliance': { email: 'clara@bank.example', email_verified: true, name: 'Clara Compliance', groups: ['remit-compliance'] },
      'sam.staff': { email: 'sam@bank.example', email_verified: true, name: 'Sam Staff', groups: ['staff'] },
    },
  });
  server = await startRemit({ configDir: configWithSso(provider.issuer), db: join(dir, 'remit.sqlite'), port });
  adminKey = server.adminKey;
  api = apiClient(base);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  if (!RUN) return;
  await tearDownE2e({ browser, server });
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

    const { context, page } = await newLocalPage(browser, { viewport: { width: 1400, height: 1000 }, timeout: 15_000 });
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
    const { context, page } = await newLocalPage(browser, { timeout: 15_000 });
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
