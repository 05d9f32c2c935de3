import { describe, expect, it } from 'vitest';
import { README_CURL_BODY } from '../support/readme-curl.ts';
import { auth, startTestService } from './service-harness.ts';

/**
 * Issue 11, "the example must not rot": the README's quick-start lead (exactly the curl body in
 * README.md) gets a rep at any hour of any day, because the example's UK savings out-of-hours desk
 * works 24/7. Times are taken from the real clock (the coming week), not a fixed date.
 */

const CURL_BODY = README_CURL_BODY;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 00:00Z of next week, from today's real date. */
const nextMonday = (() => {
  const today = new Date(new Date().toISOString().slice(0, 10)).getTime();
  const weekday = (new Date(today).getUTCDay() + 6) % 7; // Monday = 0
  return today + (7 - weekday) * DAY;
})();
const at = (dayOffset: number, hourUtc: number) => new Date(nextMonday + dayOffset * DAY + hourUtc * HOUR).toISOString();
const MOMENTS: readonly (readonly [string, string])[] = [
  ['Monday before dawn', at(0, 3)],
  ['Tuesday early morning', at(1, 6.5)],
  ['Wednesday midday', at(2, 12)],
  ['Thursday evening', at(3, 19.5)],
  ['Friday late night', at(4, 23.25)],
  ['Saturday night', at(5, 2)],
  ['Sunday afternoon', at(6, 15)],
  ['Sunday night', at(6, 23.75)],
];

describe("the README's example lead", () => {
  it('is in the README as the quick-start curl body', () => {
    expect(CURL_BODY).toBeDefined();
    expect(JSON.parse(CURL_BODY!)).toMatchObject({ product: 'uk-stocks-shares-isa', address: { country: 'United Kingdom' } });
  });

  it.each(MOMENTS)('is ASSIGNED to a rep: %s (%s)', async (_when, iso) => {
    const s = await startTestService({ at: iso });
    try {
      const res = await s.app.inject({
        method: 'POST',
        url: '/v1/leads',
        payload: JSON.parse(CURL_BODY!) as object,
        headers: { ...auth(s.tokens.integration), 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.status, JSON.stringify(body.decision?.reasons)).toBe('ASSIGNED');
      expect(body.decision.rep.id).toEqual(expect.any(String));
      expect(['uk-everyday', 'uk-wealth', 'uk-savings-out-of-hours']).toContain(body.decision.team.id);
    } finally {
      await s.close();
    }
  });

  it('at night and at weekends the 24/7 desk takes it; in office hours the day team still does', async () => {
    const night = await startTestService({ at: at(5, 2) });
    const office = await startTestService({ at: at(1, 11) });
    try {
      const post = (s: typeof night) =>
        s.app.inject({ method: 'POST', url: '/v1/leads', payload: JSON.parse(CURL_BODY!) as object, headers: auth(s.tokens.integration) });
      expect((await post(night)).json().decision.team.id).toBe('uk-savings-out-of-hours');
      expect((await post(office)).json().decision.team.id).toBe('uk-everyday');
    } finally {
      await night.close();
      await office.close();
    }
  });
});
