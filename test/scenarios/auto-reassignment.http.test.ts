import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReassignmentWorker } from '../../src/app/routing/reassignment-worker.ts';
import { holderLawfulness } from '../../src/domain/decision/lawful-holder.ts';
import { LeadSchema } from '../../src/domain/lead/lead.schema.ts';
import { holdsRepCapacity } from '../../src/domain/lead/lead-status.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { publishWithApproval } from '../support/org-drafts.ts';

const dialects = await bothDialects();

type Rep = { id: string; team: string; capacity?: Record<string, number>; status?: string };
type Grant = { id: string; holder: { kind: string; rep?: string }; validTo?: string; status?: string };

/** The example bank with room for 200+ open leads per UK everyday rep, and a leaver's accounts going to priya-shah. */
function configure(config: Record<string, unknown>): Record<string, unknown> {
  for (const rep of config.reps as Rep[])
    if (rep.team === 'uk-everyday') rep.capacity = { ...rep.capacity, maxOpenLeads: 500, maxLeadsPerDay: 500 };
  config.roster = { accountsOnLeave: { kind: 'rep', rep: 'priya-shah' } };
  return config;
}

const LAPSE_AT = '2026-11-24T14:00:00Z';

/**
 * Issue 14 "Done when", over HTTP on SQLite and PostgreSQL with the clock injected: a rep goes on holiday and comes
 * back, another leaves with 200 open leads, a licence lapses mid-day. The roster changes start background jobs (the
 * PATCH answers which), the worker moves the leads through the engine, and after every step every open lead is with a
 * rep who is active and lawful for it, no lead is lost, and each lead's story shows each move.
 */
describe.each(dialects)('automatic reassignment scenario: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let s: AuditService;
  let worker: ReassignmentWorker;
  const leadIds: string[] = [];
  beforeAll(async () => {
    s = await startAuditService(factory, { configure });
    worker = new ReassignmentWorker(s.ctx, { name: 'worker-1' });
  });
  afterAll(async () => s?.close());

  const patch = (repId: string, body: object, token = s.tokens.ops) =>
    s.app.inject({ method: 'PATCH', url: `/v1/reps/${repId}`, payload: body, headers: auth(token) });
  const get = async (url: string, token = s.tokens.ops) => (await s.app.inject({ method: 'GET', url, headers: auth(token) })).json();
  let n = 0;
  const ingest = async (count: number) => {
    for (let i = 0; i < count; i++) {
      n++;
      const person = { firstName: 'Sc', lastName: `Enario${n}`, email: `scenario.${n}@example.co.uk` };
      const res = await s.app.inject({
        method: 'POST',
        url: '/v1/leads',
        payload: ukLead({ person }),
        headers: auth(s.tokens.integration),
      });
      expect(res.statusCode, res.body).toBe(201);
      leadIds.push(res.json().leadId as string);
    }
  };
  const holders = async () => {
    const out = new Map<string, string[]>();
    for (const id of leadIds) {
      const r = (await s.ctx.store.leads.get(id))!;
      if (holdsRepCapacity(r.status)) out.set(r.repId!, [...(out.get(r.repId!) ?? []), id]);
    }
    return out;
  };
  /** Never an unlawful holder, nothing lost: every lead is still there, open ones with an active, lawful rep. */
  const checkInvariant = async () => {
    const org = s.ctx.orgs.current;
    let seen = 0;
    for (const id of leadIds) {
      const r = await s.ctx.store.leads.get(id);
      expect(r, `lead ${id} lost`).toBeDefined();
      seen++;
      if (!holdsRepCapacity(r!.status)) continue;
      expect(org.repsById.get(r!.repId!)?.status, `${id} held by ${r!.repId}`).toBe('active');
      const lawful = holderLawfulness(org, LeadSchema.parse(JSON.parse(r!.leadJson)), s.clock.ms, r!.repId!);
      expect(lawful, `${id} held by ${r!.repId}`).toEqual({ lawful: true, reasons: [] });
    }
    expect(seen).toBe(leadIds.length);
  };
  const reassignedMoves = async (id: string) =>
    (await s.ctx.store.events.listForLead(id)).filter((e) => e.kind === 'reassigned').map((e) => JSON.parse(e.payloadJson));

  it('holiday and back, a leaver with 200 open leads, a licence lapsing mid-day: all lawful, none lost, each move told', async () => {
    // A licence that lapses at 14:00 today (published through maker-checker, as licence changes must be).
    const config = structuredClone(s.ctx.orgs.current.config) as unknown as { licences: Grant[] };
    config.licences.find((g) => g.id === 'fca-cert-oliver-bennett')!.validTo = LAPSE_AT;
    await publishWithApproval(s.app, config, s.tokens.admin, s.tokens.compliance);
    const imported = await s.app.inject({
      method: 'POST',
      url: '/v1/accounts:import',
      headers: auth(s.tokens.ops),
      payload: { accounts: [{ id: 'acc-1', name: 'Leeds Savings Ltd', domains: ['leeds-savings.example'], ownerRep: 'amelia-hughes' }] },
    });
    expect(imported.statusCode, imported.body).toBe(200);
    await ingest(12);
    await worker.drain();
    await checkInvariant();

    // 1. Holiday: oliver is out of office today, priya is paused. The pause starts a job; the PATCH says which.
    const away = await patch('oliver-bennett', {
      outOfOffice: { add: [{ from: '2026-11-24', to: '2026-11-24', reason: 'holiday' }] },
      reason: 'holiday',
    });
    expect(away.statusCode, away.body).toBe(200);
    expect(away.json().reassignment).toBeUndefined();
    const priyaHeld = (await holders()).get('priya-shah') ?? [];
    expect(priyaHeld.length).toBeGreaterThan(0);
    const paused = await patch('priya-shah', { status: 'paused', reason: 'holiday' });
    expect(paused.statusCode, paused.body).toBe(200);
    const job = paused.json().reassignment as { id: string; status: string; trigger: string };
    expect(job).toMatchObject({ status: 'pending', trigger: 'paused' });
    expect((await get(`/v1/reassignments/${job.id}`)).progress).toEqual({ status: 'pending', done: 0, leads: null });
    await worker.drain();
    const done = await get(`/v1/reassignments/${job.id}`);
    expect(done.progress.status).toBe('finished');
    expect(done.reassignment).toMatchObject({ fromRep: 'priya-shah', requestedBy: expect.any(String), status: 'finished' });
    expect(done.reassignment.counts.leads).toBe(priyaHeld.length);
    expect((await holders()).get('priya-shah') ?? []).toEqual([]);
    await checkInvariant();

    // 2. With both away, new leads go to amelia until she holds 200.
    while (((await holders()).get('amelia-hughes') ?? []).length < 200) await ingest(10);
    const ameliaHeld = (await holders()).get('amelia-hughes')!;
    expect(ameliaHeld.length).toBeGreaterThanOrEqual(200);

    // 3. Both come back (no job: nothing to move).
    expect((await patch('oliver-bennett', { outOfOffice: [], reason: 'back' })).statusCode).toBe(200);
    const back = await patch('priya-shah', { status: 'active', reason: 'back from holiday' });
    expect(back.json().reassignment).toBeUndefined();

    // 4. Amelia leaves with 200+ open leads: one job moves them all; her account goes to priya (the org's rule), audited.
    const left = await patch('amelia-hughes', { status: 'left', reason: 'resigned, last day today' });
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json().accounts).toEqual([{ accountId: 'acc-1', before: 'amelia-hughes', after: 'priya-shah' }]);
    expect((await s.ctx.store.accounts.get('acc-1'))?.ownerRep).toBe('priya-shah');
    const leave = left.json().reassignment as { id: string };
    await worker.drain();
    const leaveOp = await get(`/v1/reassignments/${leave.id}`);
    expect(leaveOp.reassignment.counts.leads).toBe(ameliaHeld.length);
    expect(leaveOp.items).toHaveLength(ameliaHeld.length);
    expect((await holders()).get('amelia-hughes') ?? []).toEqual([]);
    for (const id of ameliaHeld.slice(0, 20))
      expect((await reassignedMoves(id)).at(-1)).toMatchObject({ by: 'reassignment', fromRep: 'amelia-hughes', reassignmentId: leave.id });
    await checkInvariant();

    // 5. Mid-day oliver's certification lapses (validTo 14:00): the sweep moves exactly the leads he can no longer serve.
    const oliverHeld = (await holders()).get('oliver-bennett') ?? [];
    expect(oliverHeld.length).toBeGreaterThan(0);
    s.clock.ms = Date.parse('2026-11-24T14:30:00Z');
    expect(await worker.sweepIfDue()).toBe(true);
    await worker.drain();
    expect((await holders()).get('oliver-bennett') ?? []).toEqual([]);
    const moved = await reassignedMoves(oliverHeld[0]!);
    expect(moved.map((m) => m.fromRep)).toEqual(['amelia-hughes', 'oliver-bennett'].slice(2 - moved.length));
    expect(moved.at(-1)).toMatchObject({ by: 'reassignment', fromRep: 'oliver-bennett' });
    await checkInvariant();

    // Every move is in the lead's sealed story.
    await s.seal();
    const story = await s.app.inject({ method: 'GET', url: `/v1/leads/${oliverHeld[0]}/story`, headers: auth(s.tokens.compliance) });
    expect(story.statusCode).toBe(200);
    expect(story.body.match(/lead\.reassigned/g)?.length ?? 0).toBeGreaterThanOrEqual(moved.length);
  }, 300_000);
});
