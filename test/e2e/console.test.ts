import {
  apiClient,
  e2eEnabled,
  launchChromium,
  newLocalPage,
  prepareE2e,
  SHOTS,
  startRemit,
  tearDownE2e,
  type Api,
  type RemitServer,
} from '../support/e2e-harness.ts';
import { signInWithKey } from '../support/console-sign-in.ts';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The web console end to end (docs/console.md): real headless Chromium (Debian's /usr/bin/chromium) against
 * a real `remit serve` child process on a temporary SQLite file with the example org. Screenshots
 * of every page go to test-results/console-*.png.
 */

const RUN = e2eEnabled('web console');

let server: RemitServer;
let base: string;
let adminKey: string;
let api: Api;
let browser: Browser;
let dir: string;
const keys: Record<string, string> = {};
const leads: { refused: string; uk: string[] } = { refused: '', uk: [] };

const newPage = () => newLocalPage(browser, { viewport: { width: 1400, height: 1000 }, timeout: 10_000 });

async function signIn(page: Page, key: string) {
  await signInWithKey(page, base, key);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });

beforeAll(async () => {
  if (!RUN) return;
  dir = prepareE2e('remit-e2e-');
  server = await startRemit({ db: join(dir, 'remit.sqlite') });
  base = server.url;
  adminKey = server.adminKey;
  api = apiClient(base);
  for (const [name, role, repId] of [
    ['compliance', 'compliance', null],
    ['ops', 'ops', null],
    ['rep', 'rep', 'amelia-hughes'],
    ['integration', 'integration', null],
  ] as const) {
    const res = await api('POST', '/v1/keys', adminKey, { name: `e2e ${name}`, role, ...(repId ? { repId } : {}) });
    expect(res.status).toBe(201);
    keys[name] = res.body.token;
  }
  // A lead from Brazil: no firm licence anywhere in BR, so routing refuses it and opens a review.
  const refused = await api('POST', '/v1/leads', keys.integration!, {
    source: 'web_form',
    product: 'uk-stocks-shares-isa',
    person: { firstName: 'Bruno', lastName: 'Silva', email: 'bruno.silva@example.com.br', phone: '+55 11 91234 5678' },
    address: { country: 'BR' },
  });
  expect(refused.status).toBe(201);
  expect(refused.body.status).toBe('REFUSED');
  leads.refused = refused.body.leadId;
  // UK ISA leads (routed to uk-everyday; queued when the team is out of hours): material for the simulation.
  for (let i = 0; i < 3; i++) {
    const res = await api('POST', '/v1/leads', keys.integration!, {
      source: 'web_form',
      product: 'uk-stocks-shares-isa',
      person: { firstName: 'Ann', lastName: `Lee${i}`, email: `ann.lee${i}@example.co.uk`, phone: `+44 20 7946 00${10 + i}` },
      address: { country: 'GB', postalCode: 'SW1A 1AA' },
    });
    expect(res.status).toBe(201);
    expect(['ASSIGNED', 'QUEUED']).toContain(res.body.status);
    leads.uk.push(res.body.leadId);
  }
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  if (!RUN) return;
  await tearDownE2e({ browser, server, dir });
});

describe.skipIf(!RUN)('web console', () => {
  it('compliance: finds the refused lead, approves it with a justification, and sees the approval in the lead story', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in to the Remit console' }).waitFor();
    await shot(page, '01-sign-in');
    await signIn(page, keys.compliance!);
    expect(await page.getByTestId('whoami').textContent()).toContain('compliance');
    // Keyboard: on a fresh load the first focusable element is the skip link.
    await page.reload();
    await page.getByTestId('whoami').waitFor();
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement
            ?.textContent,
      ),
    ).toContain('Skip to main content');

    // The review queue lists the refused lead with its reason.
    await page.getByRole('link', { name: 'Review queue' }).click();
    const row = page.locator(`tr[data-lead-id="${leads.refused}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('REFUSED');
    expect(await row.textContent()).toMatch(/NO_FIRM_LICENCE|UNLICENSED|JURISDICTION/);
    await shot(page, '02-review-queue');

    // Open it: the story, candidate eligibility and four eyes are visible.
    await row.getByRole('link', { name: /Open review/ }).click();
    await page.getByRole('heading', { name: 'Approve a named assignment' }).waitFor();
    expect(await page.getByTestId('requested-by').textContent()).toContain('system');
    await page.getByText('Four eyes:').waitFor();
    await page.getByRole('heading', { name: 'Lead story' }).waitFor();

    // Name an assignment; without a justification the API answers JUSTIFICATION_REQUIRED with the eligibility failures.
    await page.getByLabel('Team', { exact: true }).selectOption('uk-everyday');
    await page.getByLabel('Rep', { exact: true }).selectOption('amelia-hughes');
    await page.getByRole('button', { name: 'Approve assignment' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'JUSTIFICATION_REQUIRED' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/eligibility/);
    await shot(page, '03-review-justification-required');

    await page.getByLabel(/Justification/).fill('Client relocated to London last week; UK address evidence on file, confirmed by phone.');
    await page.getByRole('button', { name: 'Approve assignment' }).click();
    const answer = page.getByTestId('approval-answer');
    await answer.waitFor();
    expect(await answer.textContent()).toContain('override');
    await page.getByTestId('resolution').waitFor();
    expect(await page.getByTestId('resolution').textContent()).toContain('amelia-hughes');
    await shot(page, '04-review-approved');

    // The lead story shows the approval (and the integrity check section).
    await page.getByRole('link', { name: 'Open the full lead story with its integrity check' }).click();
    await page.getByRole('heading', { name: `Lead story ${leads.refused}` }).waitFor();
    expect(await page.getByTestId('assigned-to').textContent()).toBe('uk-everyday / amelia-hughes');
    const approved = page.locator('ol.timeline li[data-kind="review.approved"]').first();
    await approved.waitFor();
    expect(await approved.textContent()).toContain('Client relocated to London');
    await page.getByTestId('integrity').first().waitFor();
    await shot(page, '05-lead-story');
    await context.close();
  });

  it('compliance: licence matrix with a horizon control, drill into a rep, and the dashboards', async () => {
    const { context, page } = await newPage();
    await signIn(page, keys.compliance!);
    await page.getByRole('link', { name: 'Licence matrix' }).click();
    const cell = page.locator('td[data-cell="uk-everyday|investments|GB"]');
    await cell.waitFor();
    expect(await cell.textContent()).toMatch(/OK|Expiring/);
    // hannah-price's certificate ran to 2026-10-31: listed among the expired grants.
    await page.getByRole('heading', { name: 'Expired grants' }).waitFor();
    expect(await page.locator('section', { has: page.getByRole('heading', { name: 'Expired grants' }) }).textContent()).toContain(
      'fca-cert-hannah-price',
    );
    await page.getByLabel(/Expiring-soon horizon/).fill('400');
    await page.getByRole('heading', { name: 'Expiring within 400 days' }).waitFor();
    await shot(page, '06-licence-matrix');
    await page.goto(`${base}/licences/reps/amelia-hughes`);
    await page.getByRole('heading', { name: 'Licences of Amelia Hughes' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('fca-cert-amelia-hughes');
    await shot(page, '07-rep-licences');

    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('heading', { name: 'Refusals and holds by reason over time' }).waitFor();
    await page
      .locator('section', { hasText: 'Refusals and holds by reason' })
      .getByText(/\d+ refused/)
      .waitFor();
    expect(await page.locator('.chart').count()).toBeGreaterThan(0);
    await shot(page, '08-dashboards');
    await context.close();
  });

  it('rep: the review queue is not in the nav, its URL shows an access message, and the API answers 403', async () => {
    const { context, page } = await newPage();
    await signIn(page, keys.rep!);
    expect(await page.getByTestId('whoami').textContent()).toContain('rep');
    await page.getByRole('heading', { name: 'My leads' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Review queue' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Licence matrix' }).count()).toBe(0);
    await shot(page, '09-rep-my-leads');

    await page.goto(`${base}/review`);
    await page.getByRole('heading', { name: 'Access denied' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('not available to the rep role');
    await shot(page, '10-rep-review-denied');

    // The API refuses too (same session cookie as the page).
    const status = await page.evaluate(async () => (await fetch('/v1/review', { credentials: 'same-origin' })).status);
    expect(status).toBe(403);
    const me = await page.evaluate(async () => (await fetch('/v1/session')).json());
    expect(me).toMatchObject({ role: 'rep', repId: 'amelia-hughes' });

    // Signing out ends the session: the API no longer accepts the cookie.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Remit console' }).waitFor();
    expect(await page.evaluate(async () => (await fetch('/v1/session')).status)).toBe(401);
    await context.close();
  });

  it('ops: the Pools page lists the ledgers; recalibrate needs a reason and says it is done; compliance only reads', async () => {
    const { context, page } = await newPage();
    await signIn(page, keys.ops!);
    await page.getByRole('link', { name: 'Pools' }).click();
    await page.getByRole('heading', { name: 'Pools', level: 1 }).waitFor();
    const card = page.getByTestId('pool-uk-everyday');
    await card.waitFor();
    const reason = card.getByLabel('Reason (kept in the audit trail)');
    const recalibrate = card.getByRole('button', { name: 'Recalibrate' });
    expect(await recalibrate.isDisabled()).toBe(true);
    expect(await card.getByRole('button', { name: 'Reset to zero' }).isDisabled()).toBe(true);
    await reason.fill('Start of the e2e week');
    await recalibrate.click();
    await card.getByRole('status').filter({ hasText: 'Ledger recalibrated' }).waitFor();
    expect(await reason.inputValue()).toBe('');
    await shot(page, '12-pools');
    await context.close();
    const compliance = await newPage();
    await signIn(compliance.page, keys.compliance!);
    await compliance.page.goto(`${base}/pools`);
    await compliance.page.getByTestId('pool-uk-everyday').waitFor();
    expect(await compliance.page.getByRole('button', { name: 'Recalibrate' }).count()).toBe(0);
    await compliance.context.close();
  });

  it('admin: edits a draft that removes a team licence, simulates it and sees the new refusals', async () => {
    const { context, page } = await newPage();
    await signIn(page, adminKey);
    await page.getByRole('link', { name: 'Rules & simulation' }).click();
    await page.getByRole('heading', { name: 'Published rule set' }).waitFor();
    await page.getByRole('button', { name: 'Load the current version' }).click();
    const editor = page.getByLabel('Draft org config (JSON)');
    // Edit the draft in the UI: withdraw the UK entity's investments permission (the ISA leads' licence).
    const draft = JSON.parse(await editor.inputValue()) as { version?: string; licences: { id: string }[] };
    expect(draft.licences.some((l) => l.id === 'fca-uk-investments')).toBe(true);
    draft.licences = draft.licences.filter((l) => l.id !== 'fca-uk-investments');
    draft.version = 'draft-without-uk-investments';
    // (Compact JSON: typing 140 kB of indented text through the browser is slow; the content is what matters.)
    await editor.fill(JSON.stringify(draft));
    await page.getByLabel(/Replay the last/).fill('50');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    const refusals = page.getByTestId('new-refusals');
    await refusals.waitFor({ timeout: 20_000 });
    for (const id of leads.uk) expect(await refusals.textContent()).toContain(id);
    expect(await refusals.textContent()).toContain('NO_LAWFUL_CANDIDATE');
    await shot(page, '11-rules-simulation');
    await context.close();
  });
});
