import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signInWithKey } from '../support/console-sign-in.ts';
import { consoleSuite, newLocalPage, SHOTS } from '../support/e2e-harness.ts';

/**
 * The console inbox end to end (docs/notifications.md "Inbox"): real headless Chromium against a real `remit serve`
 * (SQLite, example org, no SMTP: the inbox is on without it). A rep person exists before their leads are assigned, so
 * each assignment lands in their inbox; the navigation shows the unread count, the Inbox page lists the messages
 * newest first with a link to the lead, and marking one and then all read updates page and badge. Another person
 * sees none of them. Screenshots: test-results/inbox-*.png.
 */
const suite = consoleSuite('inbox');
const RUN = suite.run;

describe.skipIf(!RUN)('console inbox', () => {
  it('a rep sees their assignments in the inbox with an unread badge, opens one, marks one and then all read', async () => {
    const integration = await suite.api('POST', '/v1/keys', suite.server.adminKey, { name: 'e2e intake', role: 'integration' });
    expect(integration.status).toBe(201);
    let n = 0;
    const ingest = async () => {
      n++;
      const res = await suite.api('POST', '/v1/leads', integration.body.token, {
        source: 'web_form',
        product: 'uk-stocks-shares-isa',
        person: { firstName: 'Ina', lastName: `Box${n}`, email: `ina.box${n}@example.co.uk`, phone: `+44 20 7946 01${10 + n}` },
        address: { country: 'GB', postalCode: 'SW1A 1AA' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { leadId: string; decision: { rep: { id: string } | null } };
    };
    // The first lead tells us which rep takes UK ISA leads now; their person is created before the next ones.
    const repId = (await ingest()).decision.rep!.id;
    const person = await suite.api('POST', '/v1/users', suite.server.adminKey, {
      name: 'Ivy Inbox',
      email: 'ivy.inbox@bank.example',
      roles: ['rep'],
      repId,
    });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    const key = await suite.api('POST', `/v1/users/${person.body.id}/keys`, suite.server.adminKey, { name: 'Ivy console', role: 'rep' });
    const mine: string[] = [];
    for (let i = 0; mine.length < 2 && i < 10; i++) {
      const lead = await ingest();
      if (lead.decision.rep?.id === repId) mine.push(lead.leadId);
    }
    expect(mine).toHaveLength(2);

    const { context, page } = await newLocalPage(suite.browser, { viewport: { width: 1300, height: 1000 }, timeout: 10_000 });
    await signInWithKey(page, suite.server.url, key.body.token);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByTestId('nav-unread-count').getByText('2', { exact: false }).waitFor();
    await nav.getByRole('link', { name: /Inbox/ }).click();
    await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
    await page.getByTestId('inbox-unread').getByText('2 unread').waitFor();
    const titles = await page.getByRole('list', { name: 'Notifications' }).getByRole('heading').allTextContents();
    expect(titles).toEqual([`Unread: New lead assigned to you: ${mine[1]}`, `Unread: New lead assigned to you: ${mine[0]}`]);
    expect(await page.getByRole('list', { name: 'Notifications' }).textContent()).not.toMatch(/Ina|Box\d|example\.co\.uk/);
    await page.screenshot({ path: join(SHOTS, 'inbox-01-unread.png'), fullPage: true });

    await page.getByRole('button', { name: `Mark “New lead assigned to you: ${mine[0]}” read` }).click();
    await page.getByTestId('inbox-unread').getByText('1 unread').waitFor();
    await nav.getByTestId('nav-unread-count').getByText('1', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByTestId('inbox-unread').getByText('Nothing unread.').waitFor();
    await nav.getByTestId('nav-unread-count').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SHOTS, 'inbox-02-read.png'), fullPage: true });

    // The title links to the lead's story in the console.
    await page.getByRole('link', { name: `New lead assigned to you: ${mine[1]}` }).click();
    await page.waitForURL(`${suite.server.url}/leads/${mine[1]}`);
    await context.close();

    // Someone else's inbox holds none of these, and their ids are not theirs to mark.
    const other = await suite.api('GET', '/v1/me/inbox', suite.server.adminKey);
    expect(other.status).toBe(200);
    expect(JSON.stringify(other.body)).not.toContain(mine[0]);
  });
});
