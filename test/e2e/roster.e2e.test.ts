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
import { signInWithKey } from '../support/console-sign-in.ts';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The Roster page end to end (docs/console.md "Roster", docs/operations.md "The Roster page"): real headless
 * Chromium against a real `remit serve` on a temporary SQLite file with a copy of the example org that adds
 * `roster.overload` (a rep over half of today's leads, from 3 leads on) and makes amelia-hughes' certificate end
 * in 20 days. As ops: an overload alert after routing 4 UK ISA leads to one rep (the others marked away), away and
 * back from the table, pause with a reason (the new version is in the history), a backwards out-of-office period
 * refused with its field (nothing published) and a valid one, a
 * reassignment previewed and run (every lead checked lawful over the API), and the rep drawer with the expiry.
 * Screenshots go to test-results/roster-*.png.
 */

const RUN = e2eEnabled('roster');

let server: RemitServer;
let base: string;
let adminKey: string;
let opsKey: string;
let integrationKey: string;
let browser: Browser;
let dir: string;
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const EXPIRY = isoDay(Date.now() + 20 * DAY);

let api: Api;

/**
 * The example org plus `roster.overload`, with amelia-hughes' FCA certificate ending in 20 days. Automatic reassignment
 * on pause is switched off here so that ops moves the paused rep's leads by hand, with the preview (the automatic path
 * is tested over HTTP in test/scenarios/auto-reassignment.http.test.ts).
 */
function orgCopy(): string {
  const org = join(dir, 'org');
  cpSync(join(ROOT, 'examples', 'bank'), org, { recursive: true });
  writeFileSync(
    join(org, 'roster.yaml'),
    'roster:\n  overload:\n    repShareOver: 0.5\n    minLeads: 3\n  autoReassign:\n    onPause: false\n',
  );
  const file = join(org, 'licences-individual.yaml');
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('id: fca-cert-amelia-hughes');
  const to = text.indexOf("validTo: '2099-12-31'", at);
  expect(at > 0 && to > at).toBe(true);
  writeFileSync(file, `${text.slice(0, to)}validTo: '${EXPIRY}'${text.slice(to + "validTo: '2099-12-31'".length)}`);
  return org;
}

let n = 0;
async function ingestIsaLead() {
  n++;
  const res = await api('POST', '/v1/leads', integrationKey, {
    source: 'web_form',
    product: 'uk-stocks-shares-isa',
    person: { firstName: 'Rosa', lastName: `Ster${n}`, email: `rosa.ster${n}@example.co.uk`, phone: `+44 20 7946 01${10 + n}` },
    address: { country: 'GB', postalCode: 'SW1A 1AA' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    leadId: string;
    status: string;
    decision: { rep: { id: string } | null; candidates: { id: string; reps: { id: string; eligible: boolean }[] }[] };
  };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `roster-${name}.png`), fullPage: true });
const presence = (repId: string, status: 'away' | 'available') =>
  api('PUT', `/v1/reps/${repId}/presence`, opsKey, status === 'away' ? { status, reason: 'e2e: focus one rep' } : { status });

beforeAll(async () => {
  if (!RUN) return;
  dir = prepareE2e('remit-roster-e2e-');
  server = await startRemit({ db: join(dir, 'remit.sqlite'), configDir: orgCopy() });
  base = server.url;
  adminKey = server.adminKey;
  api = apiClient(base);
  const integration = await api('POST', '/v1/keys', adminKey, { name: 'e2e intake', role: 'integration' });
  expect(integration.status).toBe(201);
  integrationKey = integration.body.token;
  const ops = await api('POST', '/v1/keys', adminKey, { name: 'Olga Ops', role: 'ops' });
  expect(ops.status).toBe(201);
  opsKey = ops.body.token;
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  if (!RUN) return;
  await tearDownE2e({ browser, server, dir });
});

/** Four leads to one rep: the first picks them, every other eligible rep is then marked away. */
async function overloadOneRep() {
  const first = await ingestIsaLead();
  expect(first.status, JSON.stringify(first.decision)).toBe('ASSIGNED');
  const focus = first.decision.rep!.id;
  const others = [
    ...new Set(
      first.decision.candidates
        .flatMap((t) => t.reps)
        .filter((r) => r.eligible && r.id !== focus)
        .map((r) => r.id),
    ),
  ];
  for (const id of others) expect((await presence(id, 'away')).status).toBe(200);
  const more = [await ingestIsaLead(), await ingestIsaLead(), await ingestIsaLead()];
  expect(more.map((l) => l.decision.rep?.id)).toEqual([focus, focus, focus]);
  return { focus, others, leads: [first, ...more].map((l) => l.leadId) };
}

const signIn = (page: Page, key = opsKey) => signInWithKey(page, base, key);

describe.skipIf(!RUN)('the Roster page', () => {
  it('ops: overload alert, away and back, pause with a reason, out of office, reassign with preview, rep drawer', async () => {
    const { focus, others, leads } = await overloadOneRep();
    const { context, page } = await newLocalPage(browser, { viewport: { width: 1500, height: 1100 }, timeout: 15_000 });
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByTestId('nav-alert-count').getByText('1').waitFor();
    await nav.getByRole('link', { name: /Roster/ }).click();
    await page.getByRole('heading', { name: 'Roster', exact: true }).waitFor();
    const alert = page.getByTestId('overload-alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`REP_OVERLOADED ${focus} has 4 of today's 4 leads (100 %, over 50 %).`);
    expect(await page.getByTestId(`open-${focus}`).textContent()).toMatch(/^4( \/ \d+)?$/);
    await shot(page, '01-overload');

    // Away and back from the table (no new version: presence is routing state).
    const someone = others[0] ?? 'amelia-hughes';
    if (others.length === 0) expect((await presence(someone, 'away')).status).toBe(200);
    await page.reload();
    await page.getByTestId(`presence-${someone}`).getByText('away').waitFor();
    await page
      .getByRole('button', { name: new RegExp(`^Mark back: `) })
      .first()
      .waitFor();
    const row = page.getByTestId(`rep-${someone}`);
    await row.getByRole('button', { name: /^Mark back: / }).click();
    await page.getByTestId(`presence-${someone}`).getByText('available').waitFor();
    await row.getByRole('button', { name: /^Mark away: / }).click();
    await page.getByTestId(`presence-${someone}`).getByText('away').waitFor();
    await row.getByRole('button', { name: /^Mark back: / }).click();
    await page.getByTestId(`presence-${someone}`).getByText('available').waitFor();
    expect((await api('GET', `/v1/reps/${someone}/presence`, opsKey)).body).toMatchObject({ status: 'available' });
    for (const id of others) expect((await presence(id, 'available')).status).toBe(200);

    // Pause the overloaded rep with a reason: the next org version, in the history.
    const focusRow = page.getByTestId(`rep-${focus}`);
    await focusRow.getByRole('button', { name: /^Manage / }).click();
    const manage = page.getByTestId('manage-panel');
    const status = manage.getByRole('form', { name: /^Status of / });
    await status.getByLabel('New status').selectOption('paused');
    await status.getByLabel(/^Reason/).fill('e2e: coaching afternoon');
    await status.getByRole('button', { name: 'Change status' }).click();
    const changed = status.getByTestId('roster-change-result');
    await changed.waitFor();
    expect(await changed.textContent()).toContain(`reps.${focus}.status: active → paused`);
    const hash = /sha256:[0-9a-f]+/.exec((await changed.textContent())!)![0];
    const versions = await api('GET', '/v1/org/versions', opsKey);
    expect(versions.body.current).toBe(hash);
    expect(versions.body.versions.find((v: { hash: string }) => v.hash === hash)).toMatchObject({ reason: 'e2e: coaching afternoon' });
    await page.getByTestId(`status-${focus}`).getByText('paused').waitFor();
    await shot(page, '02-paused');

    // An out-of-office period, from the form.
    const from = isoDay(Date.now() + 10 * DAY);
    const to = isoDay(Date.now() + 12 * DAY);
    const ooo = manage.getByRole('form', { name: /^Add out of office for / });
    // Bad input first: a period ending before it starts is refused with the field, and nothing is published.
    await ooo.getByLabel('From (first day)').fill(to);
    await ooo.getByLabel('To (last day, inclusive)').fill(from);
    await ooo.getByLabel(/^Reason/).fill('e2e: backwards');
    await ooo.getByRole('button', { name: 'Add out of office' }).click();
    const refused = ooo.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/ROSTER_CHANGE_INVALID.*\/outOfOffice\/\d+ out-of-office period ends before it starts/);
    expect((await api('GET', '/v1/org/versions', opsKey)).body.current).toBe(hash);
    await ooo.getByLabel('From (first day)').fill(from);
    await ooo.getByLabel('To (last day, inclusive)').fill(to);
    await ooo.getByLabel(/^What/).fill('holiday');
    await ooo.getByLabel(/^Reason/).fill('e2e: booked leave');
    await ooo.getByRole('button', { name: 'Add out of office' }).click();
    await ooo.getByTestId('roster-change-result').waitFor();
    await page.getByTestId(`ooo-${focus}`).getByText(`${from} → ${to}`).waitFor();

    // Move the paused rep's open leads: preview, then the operation; every lead lawful afterwards.
    await focusRow.getByRole('button', { name: /^Move open leads of / }).click();
    const panel = page.getByTestId('reassign-panel');
    await panel.getByLabel(/^Reason/).fill('e2e: paused, move the open leads');
    await panel.getByRole('button', { name: 'Preview' }).click();
    const preview = panel.getByTestId('reassign-preview');
    await preview.waitFor();
    expect(await preview.locator('tbody tr').count()).toBe(4);
    await shot(page, '03-preview');
    await panel.getByRole('button', { name: 'Reassign' }).click();
    const result = panel.getByTestId('reassign-result');
    await result.waitFor();
    expect(await result.locator('tbody tr').count()).toBe(4);
    expect(await result.textContent()).toMatch(/Reassignment rea-\S+ finished: 4 lead\(s\)/);
    await page
      .getByTestId(`open-${focus}`)
      .getByText(/^0( \/ \d+)?$/)
      .waitFor();
    await shot(page, '04-reassigned');
    for (const id of leads) {
      const lead = (await api('GET', `/v1/leads/${id}`, opsKey)).body;
      const verdicts = (lead.decision.candidates as { reps: { id: string; eligible: boolean; reasons: { code: string }[] }[] }[]).flatMap(
        (t) => t.reps,
      );
      // Re-decided with the paused rep excluded, and only ever to a rep the engine found eligible at that moment.
      expect(lead.repId, id).not.toBe(focus);
      expect(verdicts.find((r) => r.id === focus)?.eligible ?? false, id).toBe(false);
      if (lead.status === 'ASSIGNED') expect(verdicts.find((r) => r.id === lead.repId)?.eligible, `${id} → ${lead.repId}`).toBe(true);
      else expect(['QUEUED', 'REFUSED', 'HELD'], `${id}: ${lead.status}`).toContain(lead.status);
      expect(
        lead.history.some((h: { kind: string }) => h.kind === 'reassigned'),
        id,
      ).toBe(true);
    }

    // The rep drawer: licences with the upcoming expiry, pools, out of office.
    await page.getByTestId('rep-amelia-hughes').getByRole('button', { name: 'Amelia Hughes', exact: true }).click();
    const drawer = page.getByTestId('rep-drawer');
    await drawer.getByTestId('drawer-expiries').waitFor();
    expect(await drawer.getByTestId('drawer-expiries').textContent()).toContain(`fca-cert-amelia-hughes`);
    expect(await drawer.getByTestId('drawer-expiries').textContent()).toContain(`ends ${EXPIRY}`);
    await shot(page, '05-drawer');
    await drawer.getByRole('button', { name: 'Close' }).click();
    await drawer.waitFor({ state: 'detached' });
    await context.close();
  }, 180_000);

  it('compliance: the same roster read-only (no actions), the drawer still opens', async () => {
    const key = await api('POST', '/v1/keys', adminKey, { name: 'Cora Compliance', role: 'compliance' });
    expect(key.status).toBe(201);
    const { context, page } = await newLocalPage(browser, { viewport: { width: 1500, height: 1000 }, timeout: 15_000 });
    await signIn(page, key.body.token as string);
    await page.goto(`${base}/roster`);
    await page.getByRole('heading', { name: 'Roster', exact: true }).waitFor();
    await page.getByText('Read-only for your role.').waitFor();
    const row = page.getByTestId('rep-amelia-hughes');
    await row.waitFor();
    expect(await row.getByRole('button').count()).toBe(1); // the name, which opens the drawer
    expect(await page.getByRole('button', { name: /^Manage |^Move open leads of |^Mark (away|back): / }).count()).toBe(0);
    await row.getByRole('button', { name: 'Amelia Hughes', exact: true }).click();
    await page.getByTestId('rep-drawer').getByTestId('drawer-expiries').waitFor();
    await context.close();
  }, 60_000);
});
