import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signInWithKey } from '../support/console-sign-in.ts';
import { consoleSuite, newLocalPage, SHOTS } from '../support/e2e-harness.ts';

/**
 * The console's Outcomes page end to end (docs/outcomes.md): real headless Chromium against a real `remit serve`
 * (SQLite, example org). Three leads, two outcomes recorded over the API; the page shows a table and a chart per
 * grouping with the conversion, its Wilson interval and the small-sample warning, and its CSV link downloads the same
 * table with the console session. Screenshot: test-results/outcomes-page.png.
 */
const suite = consoleSuite('outcomes');
const RUN = suite.run;

describe.skipIf(!RUN)('console outcomes page', () => {
  it('ops sees conversion per grouping with its interval and small-sample warning, and downloads the CSV', async () => {
    const key = async (role: string) =>
      (await suite.api('POST', '/v1/keys', suite.server.adminKey, { name: `e2e ${role}`, role })).body.token as string;
    const integration = await key('integration');
    const ops = await key('ops');
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await suite.api('POST', '/v1/leads', integration, {
        source: 'web_form',
        product: 'uk-stocks-shares-isa',
        person: { firstName: 'Otto', lastName: `Come${n}`, email: `otto.come${n}@example.co.uk`, phone: `+44 20 7946 02${10 + n}` },
        address: { country: 'GB', postalCode: 'SW1A 1AA' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.leadId as string);
    }
    const won = await suite.api('POST', `/v1/leads/${ids[0]}/outcome`, ops, {
      kind: 'WON',
      value: 1000,
      currency: 'GBP',
      reasonCode: 'PRICE',
    });
    expect(won.status, JSON.stringify(won.body)).toBe(201);
    expect((await suite.api('POST', `/v1/leads/${ids[1]}/outcome`, ops, { kind: 'LOST', reasonCode: 'COMPETITOR' })).status).toBe(201);

    const { page } = await newLocalPage(suite.browser, { viewport: { width: 1400, height: 1000 }, timeout: 10_000 });
    await signInWithKey(page, suite.server.url, ops);
    await page.getByRole('link', { name: 'Outcomes' }).click();
    await page.getByRole('heading', { name: 'Outcomes', level: 1 }).waitFor();
    const bySource = page.getByTestId('outcomes-source');
    const all = bySource.locator('tr[data-group="all"]');
    await all.waitFor();
    const cells = await all.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['3', '2', '1']);
    expect(cells[3]).toMatch(/^50\.0 % \(9\.4 %–90\.5 %\)/);
    expect(cells[3]).toContain('small sample (n < 30)');
    expect(cells[6]).toBe('GBP 1,000');
    expect(await bySource.locator('tr[data-group="web_form"]').count()).toBe(1);
    for (const g of ['rep', 'team', 'rule', 'source', 'segment', 'strategy', 'period']) {
      await page.getByTestId(`outcomes-${g}`).locator('tr[data-group="all"]').waitFor();
      expect(await page.getByTestId(`outcomes-${g}`).locator('canvas, svg').count()).toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(SHOTS, 'outcomes-page.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), bySource.getByRole('link', { name: /Download CSV/ }).click()]);
    const text = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^group,leads,outcomes,won,conversion_rate,conversion_ci95_low,conversion_ci95_high,small_sample/);
    expect(lines.at(-1)).toMatch(/^all,3,2,1,0\.5,0\.0945,0\.9055,yes,/);
  });
});
