import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remitWithoutDatabaseUrl as remit } from '../support/remit-cli.ts';
import { replayDecision } from '../../src/app/audit/audit-replay.use-case.ts';
import { checkAssignment } from '../../src/domain/decision/decide.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import { LeadSchema } from '../../src/domain/lead/lead.schema.ts';
import { holdsRepCapacity } from '../../src/domain/lead/lead-status.ts';
import { viewOf } from '../../src/domain/strategies/routing-state.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { auth, ukLead } from './service-harness.ts';

const dialects = await bothDialects();

/**
 * Issue 14, lawful reassignment (docs/operations.md "Reassignment"), over HTTP on SQLite and PostgreSQL: a rep's open
 * leads are re-decided through the engine with the rep excluded — only to reps eligible at that moment, queued when
 * nobody is free — with a preview that writes nothing, one audited operation, and each lead's story showing the move.
 * Manual reassignment to a named rep: assigned when eligible, an exception review when not.
 */
describe.each(dialects)('reassignment over HTTP: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let s: AuditService;
  beforeAll(async () => {
    s = await startAuditService(factory);
  });
  afterAll(async () => s?.close());

  const post = (url: string, body: unknown, token = s.tokens.ops) =>
    s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
  const get = (url: string, token = s.tokens.ops) => s.app.inject({ method: 'GET', url, headers: auth(token) });
  let n = 0;
  const ingest = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      n++;
      const person = { firstName: 'Re', lastName: `Assign${n}`, email: `re.assign${n}@example.co.uk` };
      const res = await post('/v1/leads', ukLead({ person }), s.tokens.integration);
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().leadId as string);
    }
    return ids;
  };
  /** The rep holding most of these leads (round robin spreads them). */
  const busiestRep = async (leadIds: readonly string[]) => {
    const reps = new Map<string, number>();
    for (const id of leadIds) {
      const r = (await s.ctx.store.leads.get(id))!;
      if (holdsRepCapacity(r.status) && r.repId) reps.set(r.repId, (reps.get(r.repId) ?? 0) + 1);
    }
    return [...reps.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  };
  /** What a dry run must leave untouched: every table a real run writes. */
  const footprint = async (leadIds: readonly string[]) => {
    const perLead = await Promise.all(
      leadIds.map(async (id) => ({
        lead: await s.ctx.store.leads.get(id),
        decisions: (await s.ctx.store.decisions.listForLead(id)).length,
        events: (await s.ctx.store.events.listForLead(id)).length,
      })),
    );
    return {
      perLead,
      audit: (await s.ctx.store.audit.pending(100_000)).length + (await s.ctx.store.audit.rowsForSubject('x')).length,
      state: await s.ctx.store.routingState.snapshot(),
      outbox: (await s.ctx.store.operationalCounts()).pendingDeliveries,
    };
  };

  it('bad input: every field error at once, and nothing is written', async () => {
    const leadIds = await ingest(2);
    const before = await footprint(leadIds);
    const empty = await post('/v1/reassignments', {});
    expect(empty.statusCode).toBe(400);
    expect(
      empty
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['/body/fromRepId', '/body/reason']);
    const unknown = await post('/v1/reassignments', { fromRepId: 'nobody-here', reason: 'left the firm' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details).toEqual([expect.objectContaining({ path: '/body/fromRepId' })]);
    const typo = await post('/v1/reassignments', { fromRepId: 'amelia-hughes', reason: 'x', dryrun: true });
    expect(typo.statusCode).toBe(400);
    expect(
      typo
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['/body/dryrun', '/body/reason']);
    const manual = await post(`/v1/leads/${leadIds[0]}/reassign`, { repId: '', reason: '' });
    expect(manual.statusCode).toBe(400);
    expect(
      manual
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['/body/reason', '/body/repId']);
    const manualUnknownRep = await post(`/v1/leads/${leadIds[0]}/reassign`, { repId: 'nobody-here', reason: 'client asked' });
    expect(manualUnknownRep.statusCode).toBe(400);
    expect(manualUnknownRep.json().details).toEqual([expect.objectContaining({ path: '/body/repId' })]);
    expect(await footprint(leadIds)).toEqual(before);
    expect((await post('/v1/reassignments', { fromRepId: 'amelia-hughes', reason: 'left' }, s.tokens.rep)).statusCode).toBe(403);
  });

  it('a dry run previews every open lead (lead → rep, or queued/refused) and writes nothing; the real run does the same', async () => {
    const leadIds = await ingest(8);
    const from = await busiestRep(leadIds);
    const open = (await s.ctx.store.leads.list({ repId: from })).filter((l) => holdsRepCapacity(l.status));
    expect(open.length).toBeGreaterThan(0);
    const before = await footprint(leadIds);

    const dry = await post('/v1/reassignments', { fromRepId: from, reason: 'rep left the firm', dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    const preview = dry.json();
    expect(preview.kind).toBe('preview');
    expect(preview.items.map((i: { leadId: string }) => i.leadId)).toEqual(open.map((l) => l.id));
    for (const item of preview.items) {
      expect(item.from).toBe(from);
      expect(item.to).not.toBe(from);
    }
    expect(await footprint(leadIds)).toEqual(before);

    const real = await post('/v1/reassignments', { fromRepId: from, reason: 'rep left the firm' });
    expect(real.statusCode, real.body).toBe(201);
    const op = real.json();
    expect(op.kind).toBe('operation');
    expect(op.reassignment).toMatchObject({ fromRep: from, status: 'finished', reason: 'rep left the firm' });
    expect(op.reassignment.counts.leads).toBe(open.length);
    // Same state, same clock: the operation did exactly what the preview said.
    expect(op.items.map((i: { leadId: string; toRep: string | null; outcome: string }) => [i.leadId, i.toRep, i.outcome])).toEqual(
      preview.items.map((i: { leadId: string; to: string | null; outcome: string }) => [i.leadId, i.to, i.outcome]),
    );
    expect((await get(`/v1/reassignments/${op.reassignment.id}`, s.tokens.compliance)).json()).toEqual({
      reassignment: op.reassignment,
      job: null,
      progress: { status: 'finished', done: op.items.length, leads: op.items.length },
      items: op.items,
    });
    expect((await get('/v1/reassignments/rea-none')).statusCode).toBe(404);

    const org = s.ctx.orgs.current;
    const state = viewOf(await s.ctx.store.routingState.snapshot());
    for (const item of op.items) {
      const lead = (await s.ctx.store.leads.get(item.leadId))!;
      expect(lead.repId === from && holdsRepCapacity(lead.status)).toBe(false);
      const decision = JSON.parse((await s.ctx.store.decisions.get(item.decisionId))!.documentJson) as Decision;
      // The decision records the exclusion and why the departing rep was passed over.
      expect(decision.exclusion).toMatchObject({ repIds: [from], code: 'REASSIGNED_AWAY' });
      const verdict = decision.candidates.flatMap((t) => t.reps).find((r) => r.id === from);
      if (verdict) expect(verdict.reasons.map((r) => r.code)).toContain('REASSIGNED_AWAY');
      if (lead.status === 'ASSIGNED') {
        const parsed = LeadSchema.parse(JSON.parse(lead.leadJson));
        expect(checkAssignment(org, parsed, s.clock.ms, state, lead.teamId!, lead.repId!).rep?.lawful).toBe(true);
      }
      // The story shows the move.
      const events = await s.ctx.store.events.listForLead(item.leadId);
      const moved = events.find((e) => e.kind === 'reassigned');
      expect(JSON.parse(moved!.payloadJson)).toMatchObject({ by: 'reassignment', fromRep: from, reassignmentId: op.reassignment.id });
    }
    expect((await s.ctx.store.routingState.snapshot()).loads[from]?.open ?? 0).toBe(0);

    // Audited: one entry per lead, one when the operation started and one when it finished; each decision replays identically.
    const audit = (await s.ctx.store.audit.pending(100_000)).map((p) => p.event).filter((e) => e.kind === 'reroute');
    expect(
      audit.filter((e) => e.subject === `reassignment:${op.reassignment.id}`).map((e) => (e.payload as { action: string }).action),
    ).toEqual(['reassignment.started', 'reassignment.finished']);
    for (const item of op.items) expect(audit.some((e) => e.subject === item.leadId)).toBe(true);
    await s.seal();
    const replay = await replayDecision({ store: s.ctx.store, orgVersion: (h) => s.ctx.orgs.get(h) }, op.items[0].decisionId);
    expect(replay.ok && replay.value.identical, JSON.stringify(replay)).toBe(true);
    // The lead's story (sealed, verifiable) shows the move and the decision that made it.
    const story = await get(`/v1/leads/${op.items[0].leadId}/story`, s.tokens.compliance);
    expect(story.statusCode).toBe(200);
    expect(story.body).toContain('lead.reassigned');
    expect(story.body).toContain('REASSIGNED_AWAY');
  });

  it('a paused rep: the decision shows REP_PAUSED and the exclusion; with nobody free the lead is queued, as the engine says', async () => {
    const leadIds = await ingest(3);
    const from = await busiestRep(leadIds);
    const original = s.ctx.orgs.current.config;
    // The departing rep is paused, and so is everyone else in the UK teams: lawful reps exist, none is available.
    const config = structuredClone(original) as unknown as { reps: { id: string; team: string; status: string }[] };
    for (const rep of config.reps) if (rep.team.startsWith('uk-') || rep.id === from) rep.status = 'paused';
    expect((await s.ctx.orgs.publish(config, 'test')).ok).toBe(true);
    try {
      const op = (await post('/v1/reassignments', { fromRepId: from, reason: 'paused: long-term leave' })).json();
      expect(op.items.length).toBeGreaterThan(0);
      for (const item of op.items) {
        expect(item).toMatchObject({ outcome: 'QUEUED', toRep: null });
        expect(await s.ctx.store.leads.get(item.leadId)).toMatchObject({ status: 'QUEUED', repId: null });
        const decision = JSON.parse((await s.ctx.store.decisions.get(item.decisionId))!.documentJson) as Decision;
        const verdict = decision.candidates.flatMap((t) => t.reps).find((r) => r.id === from)!;
        expect(verdict.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['REP_PAUSED', 'REASSIGNED_AWAY']));
      }
      expect(op.reassignment.counts).toMatchObject({ leads: op.items.length, queued: op.items.length, assigned: 0 });
      // Nothing left to move: an empty operation, still recorded.
      const again = (await post('/v1/reassignments', { fromRepId: from, reason: 'paused: long-term leave' })).json();
      expect(again.reassignment.counts.leads).toBe(0);
    } finally {
      expect((await s.ctx.orgs.publish(original, 'test')).ok).toBe(true);
    }
  });

  it('a licence lapses for everyone who could take the leads: refused as the engine says, each with a review', async () => {
    const leadIds = await ingest(2);
    const from = await busiestRep(leadIds);
    const original = s.ctx.orgs.current.config;
    const config = structuredClone(original) as unknown as {
      licences: { holder: { kind: string }; jurisdiction: string; status: string }[];
    };
    for (const grant of config.licences) if (grant.holder.kind === 'individual' && grant.jurisdiction === 'GB') grant.status = 'lapsed';
    expect((await s.ctx.orgs.publish(config, 'test')).ok).toBe(true);
    try {
      const dry = (await post('/v1/reassignments', { fromRepId: from, reason: 'GB certifications lapsed', dryRun: true })).json();
      const op = (await post('/v1/reassignments', { fromRepId: from, reason: 'GB certifications lapsed' })).json();
      expect(op.items.length).toBeGreaterThan(0);
      expect(dry.items.map((i: { outcome: string }) => i.outcome)).toEqual(op.items.map((i: { outcome: string }) => i.outcome));
      for (const item of op.items) {
        expect(item).toMatchObject({ outcome: 'REFUSED', toRep: null, reasonCodes: ['NO_LAWFUL_CANDIDATE'] });
        expect(await s.ctx.store.leads.get(item.leadId)).toMatchObject({ status: 'REFUSED', repId: null });
        const review = (await s.ctx.store.reviews.openForLead(item.leadId))!;
        expect(review).toMatchObject({ kind: 'REFUSED', requestedBy: 'system' });
        const moved = (await s.ctx.store.events.listForLead(item.leadId)).find((e) => e.kind === 'reassigned')!;
        expect(JSON.parse(moved.payloadJson)).toMatchObject({ outcome: 'REFUSED', reviewId: review.id });
      }
      expect(op.reassignment.counts).toMatchObject({ refused: op.items.length });
    } finally {
      expect((await s.ctx.orgs.publish(original, 'test')).ok).toBe(true);
    }
  });

  it('manual reassignment: an eligible rep gets the lead at once; an ineligible one → an exception review, nothing moves', async () => {
    const [leadId] = await ingest(1);
    const created = JSON.parse((await s.ctx.store.decisions.listForLead(leadId!)).at(-1)!.documentJson) as Decision;
    const from = created.rep!.id;
    const other = created.candidates.flatMap((t) => t.reps).find((r) => r.eligible && r.id !== from)!;
    expect(other).toBeDefined();
    const moved = await post(`/v1/leads/${leadId}/reassign`, { repId: other.id, reason: 'client asked for a Welsh speaker' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ outcome: 'ASSIGNED', repId: other.id, eligibility: { eligible: true } });
    expect(await s.ctx.store.leads.get(leadId!)).toMatchObject({ status: 'ASSIGNED', repId: other.id });
    const history = (await s.ctx.store.events.listForLead(leadId!)).filter((e) => e.kind === 'reassigned');
    expect(JSON.parse(history.at(-1)!.payloadJson)).toMatchObject({ by: 'manual', fromRep: from, toRep: other.id });
    const evidence = (await s.ctx.store.audit.pending(100_000))
      .map((p) => p.event)
      .filter((e) => e.subject === leadId && e.kind === 'reroute')
      .at(-1)!;
    expect(evidence.payload).toMatchObject({ by: 'manual', toRep: other.id, eligibility: { eligible: true } });

    // A US rep holds no UK licence: never assigned; compliance gets an exception review and the lead stays where it was.
    const usRep = [...s.ctx.orgs.current.repsById.values()].find((r) => r.timeZone.startsWith('America/'))!;
    const refused = await post(`/v1/leads/${leadId}/reassign`, { repId: usRep.id, reason: 'client moved to Texas' });
    expect(refused.statusCode, refused.body).toBe(202);
    expect(refused.json()).toMatchObject({ outcome: 'REVIEW_REQUESTED', eligibility: { eligible: false }, review: { kind: 'EXCEPTION' } });
    expect(await s.ctx.store.leads.get(leadId!)).toMatchObject({ status: 'ASSIGNED', repId: other.id });
    const review = (await s.ctx.store.reviews.openForLead(leadId!))!;
    expect(review.requestedBy).not.toBe('system');
    // With the review open, a second manual move waits for compliance.
    expect((await post(`/v1/leads/${leadId}/reassign`, { repId: from, reason: 'back to the first rep' })).statusCode).toBe(409);
  });

  it('the CLI: `remit reassign --from-rep X --dry-run` previews, without it the leads move; bad input exits 2', async () => {
    const leadIds = await ingest(4);
    const from = await busiestRep(leadIds);
    const held = (await s.ctx.store.leads.list({ repId: from })).filter((l) => holdsRepCapacity(l.status)).map((l) => l.id);
    const dry = await remit('reassign', '--from-rep', from, '--dry-run', '--reason', 'left the firm', '--db', s.cliUrl);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ kind: 'preview', fromRepId: from, counts: { leads: held.length } });
    expect((await s.ctx.store.leads.list({ repId: from })).filter((l) => holdsRepCapacity(l.status)).map((l) => l.id)).toEqual(held);
    const real = await remit('reassign', '--from-rep', from, '--reason', 'left the firm', '--db', s.cliUrl);
    expect(real.code, real.stderr).toBe(0);
    const op = JSON.parse(real.stdout);
    expect(op.reassignment).toMatchObject({ fromRep: from, status: 'finished', requestedBy: expect.stringMatching(/^cli:/) });
    expect(op.items.map((i: { leadId: string }) => i.leadId)).toEqual(held);
    expect((await s.ctx.store.leads.list({ repId: from })).filter((l) => holdsRepCapacity(l.status))).toEqual([]);
    const bad = await remit('reassign', '--from-rep', 'nobody-here', '--reason', 'x', '--db', s.cliUrl);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"path":"--from-rep"');
    expect(bad.stderr).toContain('"path":"--reason"');
  });
});
