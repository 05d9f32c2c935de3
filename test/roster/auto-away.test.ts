import { afterEach, describe, expect, it } from 'vitest';
import { applyAutoAway } from '../../src/app/routing/auto-away.use-case.ts';
import { autoAwayDue } from '../../src/domain/eligibility/auto-away.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { publishWithApproval } from '../support/org-drafts.ts';
import { auth, type TestService } from '../http/service-harness.ts';
import { getJson, isaLead, postJson, sharedDatabase, verdictsFor, type SharedDatabase } from './roster-support.ts';

/**
 * Auto-away after N idle minutes in the console (issue 14 lane J2), with an injected clock, on SQLite and
 * PostgreSQL: the rep's console heartbeats; the worker's pass marks them away (set by system, audited) only
 * after N working minutes without one, during their working hours; a heartbeat never brings them back.
 */

const MIN = 60_000;
const dialects = await bothDialects();
// amelia-hughes: Europe/London, Mon–Thu 08:30–17:00, Fri 08:30–16:00. 24 Nov 2026 is a Tuesday (GMT).
const amelia = {
  timeZone: 'Europe/London',
  workingMinutes: [[], [[510, 1020]], [[510, 1020]], [[510, 1020]], [[510, 1020]], [[510, 960]], [], []] as const,
};

describe('autoAwayDue (pure)', () => {
  const at = (iso: string) => Date.parse(iso);
  it('counts only working minutes since the last heartbeat, and only while the rep is at work', () => {
    expect(autoAwayDue(amelia, at('2026-11-24T11:00:00Z'), at('2026-11-24T11:14:00Z'), 15)).toBe(false);
    expect(autoAwayDue(amelia, at('2026-11-24T11:00:00Z'), at('2026-11-24T11:15:00Z'), 15)).toBe(true);
    // Evening: not at work, never marked.
    expect(autoAwayDue(amelia, at('2026-11-24T16:50:00Z'), at('2026-11-24T20:00:00Z'), 15)).toBe(false);
    // Last seen 16:50, 10 working minutes left that day; next morning 08:34 makes 14, 08:35 makes 15.
    expect(autoAwayDue(amelia, at('2026-11-24T16:50:00Z'), at('2026-11-25T08:34:00Z'), 15)).toBe(false);
    expect(autoAwayDue(amelia, at('2026-11-24T16:50:00Z'), at('2026-11-25T08:35:00Z'), 15)).toBe(true);
    // Saturday: no working hours.
    expect(autoAwayDue(amelia, at('2026-11-27T12:00:00Z'), at('2026-11-28T12:00:00Z'), 15)).toBe(false);
    // No working hours at all: always at work.
    expect(autoAwayDue({ timeZone: 'UTC', workingMinutes: null }, at('2026-11-28T12:00:00Z'), at('2026-11-28T12:15:00Z'), 15)).toBe(true);
  });
});

describe.each(dialects)('auto-away: $factory.name', ({ factory, run: enabled, reason: why }) => {
  if (!enabled) return declareUnreachable(why);
  let db: SharedDatabase;
  afterEach(async () => db.cleanup());

  const heartbeat = (s: TestService, token = s.tokens.rep) =>
    s.app.inject({ method: 'POST', url: '/v1/me/heartbeat', headers: auth(token) });
  const presence = (s: TestService) => getJson(s, '/v1/reps/amelia-hughes/presence', s.tokens.ops) as Promise<Record<string, unknown>>;
  const withAutoAway = async (s: TestService, minutes: number) => {
    const config = structuredClone(s.ctx.orgs.current.config) as Record<string, unknown>;
    config.roster = { autoAwayAfterMinutes: minutes };
    // A policy section: it needs a second person.
    await publishWithApproval(s.app, config, s.tokens.admin, s.tokens.compliance);
  };

  it('idle N working minutes → away (system, audited, REP_AWAY); a heartbeat does not bring the rep back; "I am back" does', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start(); // 11:00 London, Tuesday; the rep token is amelia-hughes
    // Off by default: heartbeats are recorded, nobody is marked away.
    const first = await heartbeat(s);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ repId: 'amelia-hughes', autoAwayAfterMinutes: null, presence: { status: 'available' } });
    s.clock.advance(60 * MIN);
    expect(await applyAutoAway(s.ctx)).toEqual([]);

    await withAutoAway(s, 15);
    await heartbeat(s);
    const seen = new Date(s.clock.now()).toISOString();
    s.clock.advance(14 * MIN);
    expect(await applyAutoAway(s.ctx)).toEqual([]);
    s.clock.advance(1 * MIN);
    const marked = await applyAutoAway(s.ctx);
    expect(marked).toEqual([{ repId: 'amelia-hughes', lastSeen: seen, minutes: 15, at: new Date(s.clock.now()).toISOString() }]);
    // Once: a second pass (another instance) finds them away already.
    expect(await applyAutoAway(s.ctx)).toEqual([]);
    expect(await presence(s)).toMatchObject({ status: 'away', setBy: 'system', reason: 'auto-away: idle 15 min', until: null });
    const audit = (await s.store.audit.pending(1000)).map((a) => a.event);
    const entry = audit.find((e) => (e.payload as { auto?: string }).auto === 'auto-away');
    expect(entry).toMatchObject({
      kind: 'org_change',
      subject: 'rep:amelia-hughes',
      actor: 'system',
      payload: {
        action: 'rep.presence',
        lastSeen: seen,
        autoAwayAfterMinutes: 15,
        before: null,
        after: { status: 'away', setBy: 'system' },
      },
    });
    const lead = (await postJson(s, '/v1/leads', isaLead(), s.tokens.integration)).json();
    for (const v of verdictsFor(lead.decision, 'amelia-hughes')) expect(v.reasons.map((r) => r.code)).toContain('REP_AWAY');

    // The next heartbeat does not silently bring them back.
    const after = await heartbeat(s);
    expect(after.json().presence).toMatchObject({ status: 'away', setBy: 'system' });
    expect((await presence(s)).status).toBe('away');
    // They press "I am back".
    const back = await s.app.inject({
      method: 'PUT',
      url: '/v1/reps/amelia-hughes/presence',
      payload: { status: 'available' },
      headers: auth(s.tokens.rep),
    });
    expect(back.statusCode, back.body).toBe(200);
    expect((await presence(s)).status).toBe('available');
    await heartbeat(s);
    s.clock.advance(10 * MIN);
    expect(await applyAutoAway(s.ctx)).toEqual([]);
  });

  it('two instances on one database mark an idle rep away once', async () => {
    db = sharedDatabase(factory.name);
    const a = await db.start();
    const b = await db.start({ idStart: 500_000 });
    await withAutoAway(a, 15);
    await heartbeat(a);
    a.clock.advance(20 * MIN);
    b.clock.ms = a.clock.ms;
    const [x, y] = await Promise.all([applyAutoAway(a.ctx), applyAutoAway(b.ctx)]);
    expect([...x, ...y].map((m) => m.repId)).toEqual(['amelia-hughes']);
    const audit = (await a.store.audit.pending(1000)).map((e) => e.event);
    expect(audit.filter((e) => (e.payload as { auto?: string }).auto === 'auto-away')).toHaveLength(1);
  });

  it('outside working hours nobody is marked away; a rep without a heartbeat is never marked; only reps send one', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start({ at: '2026-11-24T16:50:00Z' });
    await withAutoAway(s, 15);
    await heartbeat(s);
    s.clock.advance(3 * 60 * MIN); // 19:50, after hours
    expect(await applyAutoAway(s.ctx)).toEqual([]);
    s.clock.ms = Date.parse('2026-11-25T08:34:00Z'); // 10 + 4 working minutes idle
    expect(await applyAutoAway(s.ctx)).toEqual([]);
    s.clock.advance(MIN);
    expect((await applyAutoAway(s.ctx)).map((m) => m.repId)).toEqual(['amelia-hughes']);
    // Only amelia ever sent a heartbeat: nobody else was touched.
    expect((await s.store.repPresence.listAway()).map((p) => p.repId)).toEqual(['amelia-hughes']);
    for (const token of [s.tokens.ops, s.tokens.admin, s.tokens.compliance]) expect((await heartbeat(s, token)).statusCode).toBe(403);
    expect((await s.store.repHeartbeats.list()).map((b) => b.repId)).toEqual(['amelia-hughes']);
  });
});
