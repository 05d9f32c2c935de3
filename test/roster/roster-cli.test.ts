import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { remit } from '../support/remit-cli.ts';
import { busyPeriods } from '../../src/app/roster/ics-busy-periods.ts';
import { getJson, sharedDatabase, type SharedDatabase } from './roster-support.ts';

const FIXTURE = 'test/roster/fixtures/rep-calendar.ics';

/** `remit roster import-calendar`: the same use case as the API, against the store a running service uses. */
describe('remit roster import-calendar', () => {
  let db: SharedDatabase;
  afterEach(async () => db.cleanup());

  it('imports an .ics file as the next version (who: the OS account, why: calendar import …); a bad file changes nothing', async () => {
    db = sharedDatabase('sqlite');
    const s = await db.start();
    const dbUrl = db.url;
    const before = ((await getJson(s, '/v1/org/versions')) as { current: string }).current;

    const bad = await remit('roster', 'import-calendar', '--rep', 'amelia-hughes', '--file', 'package.json', '--db', dbUrl);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CALENDAR_INVALID');
    const unknown = await remit('roster', 'import-calendar', '--rep', 'nobody', '--file', FIXTURE, '--db', dbUrl);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('NOT_FOUND');
    expect(((await getJson(s, '/v1/org/versions')) as { current: string }).current).toBe(before);

    const expected = busyPeriods(readFileSync(FIXTURE, 'utf8'), { now: Date.now(), days: 366 });
    const ok = await remit('roster', 'import-calendar', '--rep', 'amelia-hughes', '--file', FIXTURE, '--days', '366', '--db', dbUrl);
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout);
    expect(out).toMatchObject({ previousHash: before, periods: expected.ok ? expected.value.length : -1 });
    const versions = (await getJson(s, '/v1/org/versions')) as { current: string; activations: { activatedBy: string; reason: string }[] };
    expect(versions.current).toBe(out.hash);
    expect(versions.activations.at(-1)).toMatchObject({
      activatedBy: expect.stringMatching(/^cli:/),
      reason: 'calendar import file:rep-calendar.ics',
    });
  });
});
