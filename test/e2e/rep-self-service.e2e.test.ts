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
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Rep self-service end to end (docs/access.md "Rep self-service"): real headless Chromium against a real
 * `remit serve` on a temporary SQLite file with the example org, at whatever time it runs (a UK ISA lead
 * is assigned at any hour: the 24/7 desk takes it out of office hours). The rep is a person created with
 * POST /v1/users (role rep, linked to the rep the lead went to) who signs in with their own API key, then:
 * sees their lead with its SLA deadline, accepts it, runs the outreach check (refused without an approved
 * promotion, allowed with one), logs the call, moves the lead on until the UK cooling-off window blocks
 * the proposal (explained in words), and marks themselves away — a new lead then skips them — and back.
 * Screenshots go to test-results/rep-*.png.
 */

const RUN = e2eEnabled('rep self-service');

let server: RemitServer;
let base: string;
let adminKey: string;
let integrationKey: string;
let browser: Browser;
let dir: string;
const PROMOTION = 'isa-promo-2026';

let api: Api;

let n = 0;
/** A UK ISA lead whose prospect consented to calls. */
async function ingestIsaLead() {
  n++;
  const res = await api('POST', '/v1/leads', integrationKey, {
    source: 'web_form',
    product: 'uk-stocks-shares-isa',
    person: { firstName: 'Ann', lastName: `Lee${n}`, email: `ann.lee.rep${n}@example.co.uk`, phone: `+44 20 7946 00${20 + n}` },
    address: { country: 'GB', postalCode: 'SW1A 1AA' },
    consent: {
      marketing: true,
      channels: ['phone', 'email'],
      wording: 'Northbridge may call or e-mail me about ISAs.',
      capturedAt: new Date(Date.now() - 60_000).toISOString(),
      lawfulBasis: 'consent',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { leadId: string; status: string; decision: { rep: { id: string } | null; candidates: any[] } };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `rep-${name}.png`), fullPage: true });

beforeAll(async () => {
  if (!RUN) return;
  dir = prepareE2e('remit-rep-e2e-');
  server = await startRemit({ db: join(dir, 'remit.sqlite') });
  base = server.url;
  adminKey = server.adminKey;
  api = apiClient(base);
  const integration = await api('POST', '/v1/keys', adminKey, { name: 'e2e intake', role: 'integration' });
  expect(integration.status).toBe(201);
  integrationKey = integration.body.token;
  const promotion = await api('PUT', `/v1/conduct/promotions/${PROMOTION}`, adminKey, {
    approver: 'Financial promotions desk',
    jurisdictions: ['GB'],
  });
  expect(promotion.status, JSON.stringify(promotion.body)).toBe(200);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  if (!RUN) return;
  await tearDownE2e({ browser, server, dir });
});

/** A person with the rep role linked to `repId`, and their own key (POST /v1/users, POST /v1/users/:id/keys). */
async function repPerson(repId: string): Promise<string> {
  const person = await api('POST', '/v1/users', adminKey, { name: 'Rita Rep', email: 'rita.rep@bank.example', roles: ['rep'], repId });
  expect(person.status, JSON.stringify(person.body)).toBe(201);
  const key = await api('POST', `/v1/users/${person.body.id}/keys`, adminKey, { name: 'Rita console', role: 'rep' });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  return key.body.token as string;
}

describe.skipIf(!RUN)('rep self-service console', () => {
  it('a rep signs in as themselves, works their lead, and marks themselves away and back', async () => {
    const lead = await ingestIsaLead();
    expect(lead.status).toBe('ASSIGNED');
    const repId = lead.decision.rep!.id;
    const token = await repPerson(repId);

    const { context, page } = await newLocalPage(browser, { viewport: { width: 1400, height: 1100 }, timeout: 10_000 });
    await page.goto(`${base}/`);
    await page.getByText('Sign in with an API key').click();
    await page.getByLabel('API key').fill(token);
    // The signed-in rep's console says it is in use (auto-away, docs/operations.md): a heartbeat, answered for this rep.
    const heartbeat = page.waitForResponse((r) => r.url().endsWith('/v1/me/heartbeat') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Sign in with key' }).click();
    const beat = await heartbeat;
    expect(beat.status()).toBe(200);
    expect(((await beat.json()) as { repId: string }).repId).toBe(repId);
    expect(await page.getByTestId('whoami').textContent()).toContain(repId);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Me' }).click();
    await page.getByRole('heading', { name: 'Me', exact: true }).waitFor();

    // My leads, with the SLA deadline still running (accept).
    await page.getByRole('cell', { name: lead.leadId, exact: true }).waitFor();
    expect(await page.getByTestId(`sla-${lead.leadId}`).textContent()).toMatch(/^accept by \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await page.getByTestId('presence-status').textContent()).toContain('Available');
    await shot(page, '01-me');

    await page.getByRole('button', { name: `Work on lead ${lead.leadId}` }).click();
    const work = page.getByTestId('lead-work');
    await work.getByRole('button', { name: 'Accept' }).click();
    await work.getByText('Moved to ACCEPTED.').waitFor();
    await work.getByRole('button', { name: 'Move to CONTACTED' }).waitFor();
    expect(await page.getByTestId(`sla-${lead.leadId}`).textContent()).toMatch(/^first contact by /);

    // The outreach check before a call: no approved promotion named → not allowed, with the rule and its reason in words.
    await work.getByLabel('Channel').selectOption('call');
    await work.getByRole('button', { name: 'Check outreach' }).click();
    const verdict = work.getByTestId('outreach-verdict');
    await verdict.getByText('Not allowed.').waitFor();
    expect(await verdict.textContent()).toContain('gb-promotion-approval');
    await shot(page, '02-outreach-denied');
    await work.getByLabel('Approved promotion / template id (optional)').fill(PROMOTION);
    await work.getByRole('button', { name: 'Check outreach' }).click();
    await verdict.getByText('Allowed now.').waitFor();
    await work.getByRole('button', { name: 'Log contact' }).click();
    await work.getByText(/call logged at .* \(first contact\)\./).waitFor();
    await page.getByTestId(`sla-${lead.leadId}`).getByText('—').waitFor();

    // Lifecycle: CONTACTED, QUALIFIED, then PROPOSAL is held back by the UK cooling-off window (14 days from first contact).
    await work.getByRole('button', { name: 'Move to CONTACTED' }).click();
    await work.getByText('Moved to CONTACTED.').waitFor();
    await work.getByRole('button', { name: 'Move to QUALIFIED' }).click();
    await work.getByText('Moved to QUALIFIED.').waitFor();
    await work.getByRole('button', { name: 'Move to PROPOSAL' }).click();
    const blocked = work.getByTestId('transition-blocked');
    await blocked.waitFor();
    const text = (await blocked.textContent())!;
    expect(text).toMatch(/^Blocked until \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC: COOLING_OFF_ACTIVE — A cooling-off window/);
    expect(text).toContain('gb-cobs15-other');
    await shot(page, '03-cooling-off');
    const detail = await api('GET', `/v1/leads/${lead.leadId}`, token);
    expect(detail.body.status).toBe('QUALIFIED');

    // Away: a new lead skips this rep (REP_AWAY in the decision); back: they are eligible again.
    await page.getByLabel('Reason (optional)').fill('training day');
    await page.getByRole('button', { name: 'Mark me away' }).click();
    await page.getByTestId('presence-status').getByText('Away').waitFor();
    expect(await page.getByTestId('presence-status').textContent()).toContain('training day');
    await shot(page, '04-away');
    const whileAway = await ingestIsaLead();
    expect(whileAway.decision.rep?.id).not.toBe(repId);
    const verdicts = whileAway.decision.candidates.flatMap((t: { reps: any[] }) => t.reps);
    expect(verdicts.find((r: { id: string }) => r.id === repId)).toMatchObject({ eligible: false, reasons: [{ code: 'REP_AWAY' }] });

    await page.getByRole('button', { name: 'I am back' }).click();
    await page.getByTestId('presence-status').getByText('Available').waitFor();
    const presence = await api('GET', `/v1/reps/${repId}/presence`, token);
    expect(presence.body).toMatchObject({ status: 'available' });
    // Someone else's presence is not the rep's to change.
    const other = repId === 'amelia-hughes' ? 'priya-shah' : 'amelia-hughes';
    expect((await api('PUT', `/v1/reps/${other}/presence`, token, { status: 'away' })).status).toBe(403);
    await context.close();
  }, 120_000);
});
