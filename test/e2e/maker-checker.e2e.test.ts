import {
  apiClient,
  e2eEnabled,
  launchChromium,
  newLocalPage,
  NODE,
  prepareE2e,
  ROOT,
  SHOTS,
  startRemit,
  tearDownE2e,
  type Api,
  type RemitServer,
} from '../support/e2e-harness.ts';
import { signInWithKey } from '../support/console-sign-in.ts';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Maker-checker for org versions in the console (docs/access.md, docs/console.md), end to end: real headless
 * Chromium against a real `remit serve` on a temporary SQLite file. An admin's draft that removes a licence
 * grant waits for a second person and shows the removed grant; a compliance officer the admin did not create
 * (provisioned by the operator with `remit keys create`) approves it, and the new version is in force.
 */

const RUN = e2eEnabled('maker-checker');

const GRANT = 'fca-uk-investments';
let server: RemitServer;
let base: string;
let adminKey: string;
let complianceKey: string;
let browser: Browser;
let dir: string;

let api: Api;

/** GET `path` with `token`: the JSON body. */
const get = async (path: string, token: string) => (await api('GET', path, token)).body;

async function signedIn(key: string): Promise<Page> {
  const { page } = await newLocalPage(browser, { viewport: { width: 1400, height: 1000 }, timeout: 15_000 });
  await signInWithKey(page, base, key);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `maker-checker-${name}.png`), fullPage: true });

beforeAll(async () => {
  if (!RUN) return;
  dir = prepareE2e('remit-mc-e2e-');
  const db = join(dir, 'remit.sqlite');
  server = await startRemit({ db });
  base = server.url;
  adminKey = server.adminKey;
  api = apiClient(base);
  // The operator provisions the compliance officer: a person the admin did not create (segregation of duties).
  const cli = spawnSync(NODE, ['src/cli/main.ts', 'keys', 'create', '--role', 'compliance', '--name', 'e2e compliance', '--db', db], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (cli.status !== 0) throw new Error(`remit keys create failed:\n${cli.stdout}\n${cli.stderr}`);
  complianceKey = (JSON.parse(cli.stdout) as { token: string }).token;
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  if (!RUN) return;
  await tearDownE2e({ browser, server, dir });
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
    const before = await get('/v1/org', adminKey);
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
    expect((await get('/v1/org', adminKey)).hash).toBe(before.hash);

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

    const after = await get('/v1/org', adminKey);
    expect(after.hash).not.toBe(before.hash);
    expect(after.config.licences.some((l: { id: string }) => l.id === GRANT)).toBe(false);
    const drafts = (await get(`/v1/org/drafts/${id}`, adminKey)) as {
      status: string;
      draftHash: string;
      requestedBy: string;
      decidedBy: string;
    };
    expect(drafts).toMatchObject({ status: 'published', draftHash: after.hash });
    expect(drafts.decidedBy).not.toBe(drafts.requestedBy);
  });
});
