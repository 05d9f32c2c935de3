import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signInWithKey } from '../support/console-sign-in.ts';
import { consoleSuite, newLocalPage, SHOTS } from '../support/e2e-harness.ts';

/**
 * Rep self-service outcome capture end to end (docs/outcomes.md "Console"): real headless Chromium against a real
 * `remit serve` (SQLite, example org). A rep — a person linked to the rep a lead was assigned to, signed in with their
 * own key — opens the lead on their Me page; a negative value and a value without its currency are refused at the field
 * the API names and record nothing; a valid WON with value, currency, reason and note is recorded and shows in the
 * lead's outcome history, there and on the lead story. Screenshots: test-results/rep-outcome-*.png.
 */
const suite = consoleSuite('rep-outcome');

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `rep-outcome-${name}.png`), fullPage: true });

describe.skipIf(!suite.run)('rep self-service outcome', () => {
  it('a rep records an outcome on their lead from the console; bad values are shown at their field and change nothing', async () => {
    const { api, server } = suite;
    const integration = (await api('POST', '/v1/keys', server.adminKey, { name: 'e2e intake', role: 'integration' })).body.token as string;
    const lead = await api('POST', '/v1/leads', integration, {
      source: 'web_form',
      product: 'uk-stocks-shares-isa',
      person: { firstName: 'Owen', lastName: 'Come', email: 'owen.come@example.co.uk', phone: '+44 20 7946 0311' },
      address: { country: 'GB', postalCode: 'SW1A 1AA' },
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    expect(lead.body.status).toBe('ASSIGNED');
    const leadId = lead.body.leadId as string;
    const repId = lead.body.decision.rep.id as string;
    const person = await api('POST', '/v1/users', server.adminKey, {
      name: 'Olive Rep',
      email: 'olive.rep@bank.example',
      roles: ['rep'],
      repId,
    });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    const key = await api('POST', `/v1/users/${person.body.id}/keys`, server.adminKey, { name: 'Olive console', role: 'rep' });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const repKey = key.body.token as string;
    const recorded = async () => (await api('GET', `/v1/leads/${leadId}/outcomes`, repKey)).body.outcomes as Record<string, unknown>[];

    const { page } = await newLocalPage(suite.browser, { viewport: { width: 1400, height: 1300 }, timeout: 10_000 });
    await signInWithKey(page, server.url, repKey);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Me' }).click();
    await page.getByRole('button', { name: `Work on lead ${leadId}` }).click();
    const panel = page.getByTestId(`lead-outcomes-${leadId}`);
    await panel.getByText('No outcome recorded yet.').waitFor();
    const form = panel.getByRole('form', { name: `Record the outcome of lead ${leadId}` });

    // A negative value: the API's shape check refuses it, shown at the value field; nothing recorded.
    await form.getByLabel('Outcome').selectOption('WON');
    await form.getByLabel('Value (optional)').fill('-5');
    await form.getByLabel('Currency (ISO 4217, with a value)').fill('GBP');
    await form.getByLabel('Reason code').fill('PRICE');
    await form.getByRole('button', { name: 'Record outcome' }).click();
    const valueError = page.getByTestId(`outcome-value-${leadId}-error`);
    await valueError.waitFor();
    expect(await valueError.textContent()).toMatch(/>=\s*0|greater than or equal/i);
    expect(await form.getByLabel('Value (optional)').getAttribute('aria-invalid')).toBe('true');
    expect(await recorded()).toEqual([]);
    await shot(page, '01-value-refused');

    // A value without its currency: the outcome rules refuse it at the currency field; still nothing recorded.
    await form.getByLabel('Value (optional)').fill('12500');
    await form.getByLabel('Currency (ISO 4217, with a value)').fill('');
    await form.getByRole('button', { name: 'Record outcome' }).click();
    const currencyError = page.getByTestId(`outcome-currency-${leadId}-error`);
    await currencyError.waitFor();
    expect(await currencyError.textContent()).toContain('a value needs its currency');
    expect(await valueError.count()).toBe(0);
    expect(await recorded()).toEqual([]);
    await panel.getByText('No outcome recorded yet.').waitFor();

    // Valid: recorded by the rep over the API channel, and in the history at once.
    await form.getByLabel('Currency (ISO 4217, with a value)').fill('GBP');
    await form.getByLabel('Note (optional; erased with the lead)').fill('Signed after the second call');
    await form.getByRole('button', { name: 'Record outcome' }).click();
    await form.getByRole('status').getByText('WON recorded.').waitFor();
    const history = page.getByTestId(`outcome-history-${leadId}`);
    const row = history.locator('tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    const cells = await row.first().locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['1', 'WON (current)', 'GBP 12,500', 'PRICE']);
    expect(cells[5]).toBe(`${person.body.id} (api)`);
    expect(cells[6]).toBe('Signed after the second call');
    expect(await recorded()).toMatchObject([
      {
        kind: 'WON',
        value: 12500,
        currency: 'GBP',
        reasonCode: 'PRICE',
        channel: 'api',
        recordedBy: person.body.id,
        note: 'Signed after the second call',
      },
    ]);
    await shot(page, '02-recorded');

    // The lead story shows the same history (and the form, for the lead's rep).
    await page.getByRole('link', { name: leadId, exact: true }).click();
    await page.getByRole('heading', { name: 'Commercial outcome' }).waitFor();
    const storyRow = page.getByTestId(`outcome-history-${leadId}`).locator('tbody tr');
    await storyRow.first().waitFor();
    expect(await storyRow.first().locator('td').nth(1).textContent()).toBe('WON (current)');
    await shot(page, '03-lead-story');
  });
});
