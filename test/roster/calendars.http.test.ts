import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { compileConfigObject } from '../../src/config/load-config.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, type TestService } from '../http/service-harness.ts';
import { getJson, isaLead, patchRep, postJson, sharedDatabase, verdictsFor, type SharedDatabase } from './roster-support.ts';

/**
 * Issue 14: team working calendars with public holidays materialised into the version (pure, replayable), and
 * per-rep calendar feeds (.ics body or URL) imported as out-of-office periods, on SQLite and PostgreSQL.
 */

const ICS = readFileSync(new URL('./fixtures/rep-calendar.ics', import.meta.url), 'utf8');
const dialects = await bothDialects();

type Served = Pick<TestService, 'app' | 'tokens'>;
const putCalendar = (s: Served, teamId: string, body: unknown) =>
  s.app.inject({ method: 'PUT', url: `/v1/teams/${teamId}/calendar`, payload: body as object, headers: auth(s.tokens.ops) });
const importIcs = (s: TestService, repId: string, text: string, query = '') =>
  s.app.inject({
    method: 'POST',
    url: `/v1/reps/${repId}/calendar${query}`,
    payload: text,
    headers: { ...auth(s.tokens.ops), 'content-type': 'text/calendar; charset=utf-8' },
  });
const currentHash = async (s: TestService) => ((await getJson(s, '/v1/org/versions')) as { current: string }).current;
const repConfig = (s: TestService, repId: string) => s.ctx.orgs.current.config.reps.find((r) => r.id === repId)!;

describe.each(dialects)('team calendars and calendar feeds: $factory.name', ({ factory, run: enabled, reason: why }) => {
  if (!enabled) return declareUnreachable(why);
  let db: SharedDatabase;
  let server: Server | undefined;
  let audited: AuditService | undefined;
  afterEach(async () => {
    await db.cleanup();
    await audited?.close();
    audited = undefined;
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it('holidays materialised into the stored version; reps unavailable with PUBLIC_HOLIDAY; replay identical', async () => {
    db = sharedDatabase(factory.name);
    // Christmas Day 2026 is a Friday: uk-everyday reps would be at work. The audit fixture seals, so the decision can be replayed.
    const s = await startAuditService(factory);
    audited = s;
    s.clock.ms = Date.parse('2026-12-25T11:00:00Z');
    const res = await putCalendar(s, 'uk-everyday', {
      calendar: { holidays: { country: 'GB', region: 'ENG' }, extraClosedDays: ['2026-12-24'] },
      reason: 'English bank holidays for the UK desk',
    });
    expect(res.statusCode, res.body).toBe(200);
    const { hash, diff } = res.json();
    expect(diff.map((d: { path: string }) => d.path)).toEqual(['teams.uk-everyday.calendar']);
    const stored = (await getJson(s, `/v1/org/versions/${hash}`)) as { config: { teams: { id: string; calendar?: unknown }[] } };
    const calendar = stored.config.teams.find((t) => t.id === 'uk-everyday')!.calendar as {
      holidays: { years: { from: number; to: number }; days: { date: string; name: string }[] };
    };
    expect(calendar.holidays.years).toEqual({ from: 2025, to: 2028 });
    expect(calendar.holidays.days).toContainEqual({ date: '2026-12-25', name: 'Christmas Day' });
    expect(calendar.holidays.days).toContainEqual({ date: '2028-08-28', name: 'Summer bank holiday' });
    expect(calendar.holidays.days.some((d) => d.date.startsWith('2029'))).toBe(false);

    const lead = await postJson(s, '/v1/leads', isaLead(), s.tokens.integration);
    const decision = lead.json().decision;
    for (const rep of ['amelia-hughes', 'oliver-bennett', 'priya-shah']) {
      const [v] = verdictsFor(decision, rep);
      expect(v!.reasons).toContainEqual({ code: 'PUBLIC_HOLIDAY', detail: '2026-12-25 Christmas Day (Europe/London)' });
    }
    // The replay recompiles the stored version: byte-identical, whatever the holiday library says today.
    await s.seal();
    const replay = await s.app.inject({ method: 'GET', url: `/v1/decisions/${decision.decisionId}/replay`, headers: auth(s.tokens.admin) });
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json()).toMatchObject({ identical: true });
    // Compiling the stored config in another year keeps its days (and hash): the version holds them.
    const recompiled = compileConfigObject(stored.config, 'stored', { publicationYear: 2040 });
    expect(recompiled.ok && recompiled.value.org.hash).toBe(hash);

    s.clock.ms = Date.parse('2026-12-24T11:00:00Z');
    const eve = (await postJson(s, '/v1/leads', isaLead(), s.tokens.integration)).json().decision;
    expect(verdictsFor(eve, 'amelia-hughes')[0]!.reasons.map((r) => r.code)).toContain('TEAM_CLOSED');
  });

  it('an unknown country or region is a field error and nothing changes', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const before = await currentHash(s);
    const region = await putCalendar(s, 'uk-everyday', { calendar: { holidays: { country: 'GB', region: 'XYZ' } }, reason: 'x' });
    expect(region.statusCode).toBe(422);
    expect(region.json()).toMatchObject({ code: 'ROSTER_CHANGE_INVALID', details: [{ path: '/calendar/holidays/region' }] });
    const country = await putCalendar(s, 'uk-everyday', { calendar: { holidays: { country: 'QQ' } }, reason: 'x' });
    expect(country.json()).toMatchObject({ code: 'ROSTER_CHANGE_INVALID', details: [{ path: '/calendar/holidays/country' }] });
    expect((await putCalendar(s, 'no-team', { calendar: null, reason: 'x' })).statusCode).toBe(404);
    expect(await currentHash(s)).toBe(before);
  });

  it('an .ics import becomes out-of-office periods (recurring, time zones, free/cancelled skipped); a new import replaces it', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const manual = { from: '2026-12-20', to: '2026-12-21', reason: 'manual' };
    expect((await patchRep(s, 'amelia-hughes', { outOfOffice: { add: [manual] }, reason: 'set by hand' })).statusCode).toBe(200);
    const res = await importIcs(s, 'amelia-hughes', ICS);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ changed: true, periods: 6 });
    const imported = repConfig(s, 'amelia-hughes').outOfOffice;
    expect(imported).toEqual([
      manual,
      { from: '2026-11-30', to: '2026-12-01', reason: 'out of office', importedFrom: 'upload' },
      // Weekly 1:1 at 14:00 London (GMT in winter), 8 Dec excluded (EXDATE), the 6th occurrence is past the 30-day window.
      { from: '2026-11-24T14:00:00.000Z', to: '2026-11-24T15:00:00.000Z', reason: 'busy', importedFrom: 'upload' },
      { from: '2026-12-01T14:00:00.000Z', to: '2026-12-01T15:00:00.000Z', reason: 'busy', importedFrom: 'upload' },
      // 09:00-12:00 New York (EST) is 14:00-17:00 UTC.
      { from: '2026-12-03T14:00:00.000Z', to: '2026-12-03T17:00:00.000Z', reason: 'busy', importedFrom: 'upload' },
      { from: '2026-12-15T14:00:00.000Z', to: '2026-12-15T15:00:00.000Z', reason: 'busy', importedFrom: 'upload' },
      { from: '2026-12-22T14:00:00.000Z', to: '2026-12-22T15:00:00.000Z', reason: 'busy', importedFrom: 'upload' },
    ]);
    const versions = (await getJson(s, '/v1/org/versions')) as { activations: { reason: string | null }[] };
    expect(versions.activations.at(-1)!.reason).toBe('calendar import upload');

    // During the imported 1:1 the rep is out of office.
    s.clock.ms = Date.parse('2026-11-24T14:30:00Z');
    const busy = (await postJson(s, '/v1/leads', isaLead(), s.tokens.integration)).json().decision;
    expect(verdictsFor(busy, 'amelia-hughes')[0]!.reasons.map((r) => r.code)).toContain('OUT_OF_OFFICE');

    // A new import replaces the imported periods; the manual one stays.
    const small = ICS.replace(/BEGIN:VEVENT\r?\nUID:weekly[\s\S]*?END:VEVENT\r?\n/, '').replace(
      /BEGIN:VEVENT\r?\nUID:ny-visit[\s\S]*?END:VEVENT\r?\n/,
      '',
    );
    const again = await importIcs(s, 'amelia-hughes', small, '?days=10');
    expect(again.json()).toMatchObject({ periods: 1 });
    expect(repConfig(s, 'amelia-hughes').outOfOffice).toEqual([
      manual,
      { from: '2026-11-30', to: '2026-12-01', reason: 'out of office', importedFrom: 'upload' },
    ]);
  });

  it('a bad .ics is a clear field error and nothing changes', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const before = await currentHash(s);
    const notIcs = await importIcs(s, 'amelia-hughes', 'hello, this is not a calendar');
    expect(notIcs.statusCode).toBe(422);
    expect(notIcs.json()).toMatchObject({ code: 'CALENDAR_INVALID', details: [{ path: '/calendar' }] });
    const badDate = await importIcs(
      s,
      'amelia-hughes',
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@y\r\nDTSTART:20261124T140000Z\r\n' +
        'DTEND:20261124T130000Z\r\nSUMMARY:backwards\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
    );
    expect(badDate.json()).toMatchObject({
      code: 'CALENDAR_INVALID',
      details: [{ path: '/events/x@y/DTEND', message: 'DTEND is before DTSTART' }],
    });
    expect((await importIcs(s, 'no-such-rep', ICS)).statusCode).toBe(404);
    expect(await currentHash(s)).toBe(before);
  });

  it('a calendar URL is fetched through the SSRF guard: refused for loopback unless allowed', async () => {
    server = createServer((req, res) => {
      if (req.url === '/big.ics') {
        res.writeHead(200, { 'content-type': 'text/calendar' });
        res.end(`${ICS}${'X-PAD:'.padEnd(2 * 1024 * 1024, 'x')}`);
      } else {
        res.writeHead(200, { 'content-type': 'text/calendar' });
        res.end(ICS);
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/private-token-123/basic.ics`;
    db = sharedDatabase(factory.name);
    const guarded = await db.start();
    const before = await currentHash(guarded);
    const refused = await postJson(guarded, '/v1/reps/amelia-hughes/calendar', { url });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().code).toBe('CALENDAR_UNREACHABLE');
    expect(await currentHash(guarded)).toBe(before);

    const allowed = await db.start({ idStart: 500_000, webhookAllow: ['127.0.0.1'] });
    const ok = await postJson(allowed, '/v1/reps/amelia-hughes/calendar', { url, days: 30 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().periods).toBe(6);
    // The secret path of a private feed is not written into the org version.
    expect(JSON.stringify(allowed.ctx.orgs.current.config)).not.toContain('private-token-123');
    expect(repConfig(allowed, 'amelia-hughes').outOfOffice[0]!.importedFrom).toMatch(/^url:127\.0\.0\.1:\d+$/);
    const big = await postJson(allowed, '/v1/reps/amelia-hughes/calendar', {
      url: url.replace('basic.ics', '../big.ics').replace('/private-token-123/..', ''),
    });
    expect(big.json()).toMatchObject({ code: 'CALENDAR_UNREACHABLE' });
    expect(big.json().message).toContain('larger than');
  });
});
