import { afterEach, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from './service-harness.ts';

/**
 * The Roster page's reads (docs/operations.md "The Roster page"), on SQLite and PostgreSQL: teams with reps,
 * presence, load against caps and pools; overload alerts from `roster.overload`; one rep with their changes.
 */

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

interface RosterRepView {
  id: string;
  team: string;
  status: string;
  presence: { status: string; reason: string | null };
  load: { open: number; today: number };
  capacity: { maxOpenLeads: number | null; maxLeadsPerDay: number | null };
  pools: string[];
  outOfOffice: { from: string; to: string; reason?: string }[];
}
interface Roster {
  hash: string;
  teams: { id: string; reps: RosterRepView[] }[];
  alerts: { code: string; repId?: string; share?: number }[];
}

const OTHERS = ['oliver-bennett', 'priya-shah', 'tom-fletcher'] as const;
const get = (url: string, token: string) => s!.app.inject({ method: 'GET', url, headers: auth(token) });
const repOf = (roster: Roster, id: string) => roster.teams.flatMap((t) => t.reps).find((r) => r.id === id)!;
let n = 0;
async function ingest() {
  const payload = ukLead({ person: { firstName: 'Ann', lastName: 'Lee', email: `roster.${++n}@example.co.uk` } });
  const res = await s!.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(s!.tokens.integration), payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { leadId: string; status: string; decision: { rep: { id: string } | null } };
}

const dialects = await bothDialects();

describe.each(dialects)('roster reads: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('lists teams and reps with presence, load vs caps; alerts once one rep has over the share; reps get 403', async () => {
    s = await startAuditService(factory, {
      configure: (c) => ({ ...c, roster: { overload: { repShareOver: 0.5, minLeads: 2 } } }),
    });
    const first = await get('/v1/roster', s.tokens.compliance);
    expect(first.statusCode, first.body).toBe(200);
    const roster = first.json() as Roster;
    expect(roster.hash).toBe(s.ctx.orgs.current.hash);
    const amelia = repOf(roster, 'amelia-hughes');
    expect(amelia).toMatchObject({ team: 'uk-everyday', status: 'active', presence: { status: 'available' }, load: { open: 0, today: 0 } });
    expect(roster.alerts).toEqual([]);
    expect((await get('/v1/roster', s.tokens.rep)).statusCode).toBe(403);
    expect((await get('/v1/roster/alerts', s.tokens.rep)).statusCode).toBe(403);

    for (const id of OTHERS) {
      const away = await s.app.inject({
        method: 'PUT',
        url: `/v1/reps/${id}/presence`,
        headers: auth(s.tokens.ops),
        payload: { status: 'away', reason: 'training' },
      });
      expect(away.statusCode, away.body).toBe(200);
    }
    const leads = [await ingest(), await ingest()];
    expect(leads.map((l) => l.decision.rep?.id)).toEqual(['amelia-hughes', 'amelia-hughes']);

    const after = (await get('/v1/roster', s.tokens.ops)).json() as Roster;
    expect(repOf(after, 'amelia-hughes').load).toMatchObject({ open: 2, today: 2 });
    expect(repOf(after, 'priya-shah').presence).toMatchObject({ status: 'away', reason: 'training' });
    const alerts = await get('/v1/roster/alerts', s.tokens.compliance);
    expect(alerts.statusCode, alerts.body).toBe(200);
    expect(alerts.json()).toMatchObject({
      policy: { repShareOver: 0.5, minLeads: 2 },
      alerts: [{ kind: 'rep', code: 'REP_OVERLOADED', repId: 'amelia-hughes', leads: 2, total: 2, share: 1, threshold: 0.5 }],
    });
  });

  it('no roster policy: no alerts; one rep with the roster changes about them, newest first; unknown rep 404', async () => {
    s = await startAuditService(factory);
    const patch = await s.app.inject({
      method: 'PATCH',
      url: '/v1/reps/amelia-hughes',
      headers: auth(s.tokens.ops),
      payload: {
        capacity: { maxOpenLeads: 7 },
        outOfOffice: { add: [{ from: '2026-12-20', to: '2026-12-31', reason: 'holiday' }] },
        reason: 'winter',
      },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    await ingest();
    await s.seal();
    const alerts = (await get('/v1/roster/alerts', s.tokens.ops)).json() as { policy: unknown; alerts: unknown[] };
    expect(alerts).toEqual({ at: expect.any(String), policy: null, alerts: [] });
    const one = await get('/v1/roster/reps/amelia-hughes', s.tokens.compliance);
    expect(one.statusCode, one.body).toBe(200);
    const rep = one.json() as RosterRepView & { changes: { action: string; reason: string; after: string; actor: string }[] };
    expect(rep.capacity.maxOpenLeads).toBe(7);
    expect(rep.outOfOffice).toEqual([{ from: '2026-12-20', to: '2026-12-31', reason: 'holiday' }]);
    expect(rep.changes[0]).toMatchObject({ action: 'roster.changed', reason: 'winter', after: patch.json().hash });
    expect((await get('/v1/roster/reps/nobody', s.tokens.ops)).statusCode).toBe(404);
  });

  it('QUEUE_AGED once a queued lead has waited longer than queueAgeMinutes, not before', async () => {
    s = await startAuditService(factory, { configure: (c) => ({ ...c, roster: { overload: { queueAgeMinutes: 30 } } }) });
    for (const id of s.ctx.orgs.current.repsById.keys()) {
      const away = await s.app.inject({
        method: 'PUT',
        url: `/v1/reps/${id}/presence`,
        headers: auth(s.tokens.ops),
        payload: { status: 'away' },
      });
      expect(away.statusCode, away.body).toBe(200);
    }
    const queued = await ingest();
    expect(queued.status).toBe('QUEUED');
    const teamId = (await s.h.store.leads.get(queued.leadId))!.teamId;
    expect(teamId).toEqual(expect.any(String));
    s.clock.advance(30 * 60_000);
    expect(((await get('/v1/roster/alerts', s.tokens.ops)).json() as { alerts: unknown[] }).alerts).toEqual([]);
    s.clock.advance(60_000);
    const alerts = (await get('/v1/roster/alerts', s.tokens.ops)).json() as { alerts: unknown[] };
    expect(alerts.alerts).toEqual([
      {
        kind: 'queue',
        code: 'QUEUE_AGED',
        teamId: 'uk-everyday',
        waiting: 1,
        oldestLeadId: expect.any(String),
        oldestMinutes: 31,
        threshold: 30,
      },
    ]);
  });
});
