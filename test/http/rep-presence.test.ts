import { afterEach, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from './service-harness.ts';

/**
 * Rep presence (docs/access.md "Rep self-service"), on SQLite and PostgreSQL: a rep marks themselves
 * away / back, ops for anyone; an away rep gets no new lead (verdict REP_AWAY) and the decision
 * replays identically from what its audit entry recorded. The rep key acts as amelia-hughes (uk-everyday).
 */

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const HOUR = 3_600_000;
const OTHERS = ['oliver-bennett', 'priya-shah', 'tom-fletcher'] as const;

const put = (repId: string, body: unknown, token: string) =>
  s!.app.inject({ method: 'PUT', url: `/v1/reps/${repId}/presence`, payload: body as object, headers: auth(token) });
const getPresence = (repId: string, token: string) =>
  s!.app.inject({ method: 'GET', url: `/v1/reps/${repId}/presence`, headers: auth(token) });
let n = 0;
async function ingest() {
  const res = await s!.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: auth(s!.tokens.integration),
    payload: ukLead({ person: { firstName: 'Ann', lastName: 'Lee', email: `ann.${++n}@example.co.uk` } }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as {
    leadId: string;
    status: string;
    decision: {
      decisionId: string;
      rep: { id: string } | null;
      candidates: { id: string; reps: { id: string; eligible: boolean; reasons: { code: string; detail: string }[] }[] }[];
    };
  };
}
const verdictOf = (d: Awaited<ReturnType<typeof ingest>>['decision'], repId: string) =>
  d.candidates.find((t) => t.id === 'uk-everyday')!.reps.find((r) => r.id === repId)!;

const dialects = await bothDialects();

describe.each(dialects)('rep presence: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('a rep sets only their own presence (403 otherwise, nothing changed); ops sets anyone’s; every change is audited', async () => {
    s = await startAuditService(factory);
    const before = await s.h.store.audit.pendingCount();
    const own = await put('amelia-hughes', { status: 'away', reason: 'dentist' }, s.tokens.rep);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ repId: 'amelia-hughes', status: 'away', until: null, reason: 'dentist', since: expect.any(String) });
    expect((await getPresence('amelia-hughes', s.tokens.rep)).json()).toMatchObject({ status: 'away', reason: 'dentist' });

    const foreign = await put('priya-shah', { status: 'away' }, s.tokens.rep);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await getPresence('priya-shah', s.tokens.rep)).statusCode).toBe(403);
    expect(await s.h.store.repPresence.get('priya-shah')).toBeUndefined();

    const byOps = await put('priya-shah', { status: 'away', until: new Date(s.clock.ms + HOUR).toISOString() }, s.tokens.ops);
    expect(byOps.statusCode, byOps.body).toBe(200);
    expect((await getPresence('priya-shah', s.tokens.compliance)).json()).toMatchObject({ status: 'away' });
    expect((await put('priya-shah', { status: 'available' }, s.tokens.compliance)).statusCode).toBe(403);
    expect(await s.h.store.audit.pendingCount()).toBe(before + 2);
    await s.seal();
    const rows = await s.h.store.audit.rowsForSubject('rep:priya-shah');
    expect(rows.map((r) => (r.payload as { action: string; before: unknown; after: { status: string } }).after.status)).toEqual(['away']);
    expect(rows[0]!.kind).toBe('org_change');
  });

  it('bad input: field errors, an unknown rep is 404, and nothing is written', async () => {
    s = await startAuditService(factory);
    const audited = await s.h.store.audit.pendingCount();
    const bad = [
      [{ status: 'gone' }, '/body/status'],
      [{ status: 'away', until: 'tomorrow' }, '/body/until'],
      [{ status: 'away', until: new Date(s.clock.ms - 1000).toISOString() }, '/body/until'],
      [{ status: 'available', until: new Date(s.clock.ms + HOUR).toISOString() }, '/body/until'],
      [{ status: 'away', extra: 1 }, '/body'],
    ] as const;
    for (const [body, path] of bad) {
      const res = await put('amelia-hughes', body, s.tokens.rep);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(
        res
          .json()
          .details.map((d: { path: string }) => d.path)
          .join(' '),
        JSON.stringify(body),
      ).toContain(path);
    }
    const unknown = await put('no-such-rep', { status: 'away' }, s.tokens.ops);
    expect(unknown.statusCode).toBe(404);
    expect(await s.h.store.repPresence.listAway()).toEqual([]);
    expect(await s.h.store.audit.pendingCount()).toBe(audited);
    expect((await getPresence('amelia-hughes', s.tokens.rep)).json()).toMatchObject({ status: 'available', since: null });
  });

  it('an away rep gets no new lead (REP_AWAY); back again, they do; decisions replay identically', async () => {
    s = await startAuditService(factory);
    for (const rep of OTHERS) expect((await put(rep, { status: 'away', reason: 'training' }, s.tokens.ops)).statusCode).toBe(200);
    const onlyAmelia = await ingest();
    expect(onlyAmelia.decision.rep?.id).toBe('amelia-hughes');
    for (const rep of OTHERS) expect(verdictOf(onlyAmelia.decision, rep).reasons.map((r) => r.code)).toContain('REP_AWAY');

    expect((await put('amelia-hughes', { status: 'away' }, s.tokens.rep)).statusCode).toBe(200);
    const nobodyInTeam = await ingest();
    expect(nobodyInTeam.status).toBe('ASSIGNED');
    expect(['amelia-hughes', ...OTHERS]).not.toContain(nobodyInTeam.decision.rep?.id);
    expect(verdictOf(nobodyInTeam.decision, 'amelia-hughes')).toMatchObject({ eligible: false, reasons: [{ code: 'REP_AWAY' }] });

    expect((await put('amelia-hughes', { status: 'available' }, s.tokens.rep)).statusCode).toBe(200);
    const back = await ingest();
    expect(back.decision.rep?.id).toBe('amelia-hughes');

    // Away until a time: routing applies it until then, and not after.
    expect(
      (await put('amelia-hughes', { status: 'away', until: new Date(s.clock.ms + HOUR).toISOString() }, s.tokens.rep)).statusCode,
    ).toBe(200);
    expect((await ingest()).decision.rep?.id).not.toBe('amelia-hughes');
    s.clock.advance(HOUR);
    expect((await getPresence('amelia-hughes', s.tokens.rep)).json().status).toBe('available');
    expect((await ingest()).decision.rep?.id).toBe('amelia-hughes');

    await s.seal();
    for (const d of [onlyAmelia, nobodyInTeam, back]) {
      const replay = await s.app.inject({
        method: 'GET',
        url: `/v1/decisions/${d.decision.decisionId}/replay`,
        headers: auth(s.tokens.compliance),
      });
      expect(replay.statusCode, replay.body).toBe(200);
      expect(replay.json(), d.decision.decisionId).toMatchObject({ identical: true, differences: [] });
    }
    const entry = (await s.h.store.audit.rowsForSubject(nobodyInTeam.leadId)).find((r) => r.kind === 'decision')!;
    expect(Object.keys((entry.payload as { presenceRead: Record<string, unknown> }).presenceRead)).toEqual(['amelia-hughes', ...OTHERS]);
  });
});
