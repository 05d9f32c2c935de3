import { afterEach, describe, expect, it } from 'vitest';
import { SlaWorker } from '../../src/app/sla/sla-worker.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import type { TestService } from '../http/service-harness.ts';
import { get, ingest, MIN, nyLead, post, startUsService, usScrub } from './conduct-fixtures.ts';

/**
 * Issue 6: SLA timers in the database, fired by the worker `remit serve` runs. A fake clock walks a
 * New York term-life lead through an acceptance miss, a re-route, a second miss and escalation, with
 * a licence expiring in between (a new org version is published) so the re-route must choose
 * differently. Then speed-to-lead numbers on a known sequence.
 */

let s: TestService;
afterEach(async () => s?.close());

/** Every outbox event, through a catch-all webhook subscription (deliveries are never attempted here). */
async function subscribeAll(svc: TestService) {
  await svc.store.outbox.upsertSubscription({
    id: 'sub-all',
    url: 'http://127.0.0.1:9/hook',
    secret: 'test-secret',
    events: ['*'],
    active: true,
    createdAt: new Date(svc.clock.ms).toISOString(),
  });
}
async function outboxEvents(svc: TestService, type: string) {
  const all = await svc.store.outbox.listDeliveries({ limit: 1000 });
  return all.filter((d) => d.eventType === type).map((d) => JSON.parse(d.payloadJson).data as Record<string, any>);
}

describe('SLA miss → re-route → second miss → escalation, with a licence expiring in between', () => {
  it('re-runs eligibility at each miss, never back to an ineligible rep, escalates on the 2nd miss', async () => {
    s = await startUsService('michael-oconnor'); // 10:00 New York
    await subscribeAll(s);
    const worker = new SlaWorker(s.ctx, { name: 'test-worker' });
    const { leadId, repId } = await ingest(s, nyLead('sla', '+1 212 555 0100'));
    expect(repId).toBe('michael-oconnor');
    const timers = (await get(s, s.tokens.ops, `/v1/leads/${leadId}/conduct`)).body.slaTimers as {
      kind: string;
      dueAt: string;
      status: string;
      repId: string;
    }[];
    // Defaults: accept within 15 working minutes, first contact within 2 working hours (all inside Michael's 09:00–17:30).
    expect(timers.map((t) => [t.kind, t.dueAt, t.status])).toEqual([
      ['accept', '2026-11-24T15:15:00.000Z', 'PENDING'],
      ['first_contact', '2026-11-24T17:00:00.000Z', 'PENDING'],
    ]);
    expect(await worker.tick()).toEqual([]); // nothing due yet

    // Danielle Rivera — who would be next — loses her NY licence (expired yesterday): a new org version.
    const config = structuredClone(s.ctx.orgs.current.config) as unknown as { licences: { id: string; validTo?: string }[] };
    const licence = config.licences.find((l) => l.id === 'nydfs-life-danielle-rivera')!;
    licence.validTo = '2026-11-23';
    const published = await s.ctx.orgs.publish(config, 'test');
    expect(published.ok).toBe(true);

    // 1st miss: Michael does not accept by 10:15.
    s.clock.ms = Date.parse('2026-11-24T15:15:00Z');
    const [first, ...none] = await worker.tick();
    expect(none).toEqual([]);
    expect(first).toMatchObject({
      outcome: 'missed',
      missed: 'accept',
      attempt: 1,
      fromRep: 'michael-oconnor',
      excluded: ['michael-oconnor'],
      fellBackToMissed: false,
      escalated: false,
    });
    if (first?.outcome !== 'missed') throw new Error('expected a miss');
    expect(first.decision).toMatchObject({ outcome: 'ASSIGNED', repId: 'kevin-zhang' });
    const reroute = JSON.parse((await s.store.decisions.get(first.decision!.decisionId))!.documentJson) as Decision;
    const reasonsOf = (rep: string) => JSON.stringify(reroute).match(new RegExp(`"${rep}"[^\\]]*`))?.[0] ?? '';
    expect(JSON.stringify(reroute)).toContain('EXCLUDED_FROM_REROUTE');
    expect(reasonsOf('danielle-rivera') + JSON.stringify(reroute)).toContain('LICENCE_EXPIRED');
    expect(reroute.ruleSet.hash).toBe(published.ok ? published.value.org.hash : '');
    let lead = await s.store.leads.get(leadId);
    expect(lead).toMatchObject({ status: 'ASSIGNED', repId: 'kevin-zhang' });
    const loads = (await s.store.routingState.snapshot()).loads;
    expect(loads['michael-oconnor']!.open).toBe(0);
    expect(loads['kevin-zhang']!.open).toBe(1);
    // Both reps are told.
    expect(await outboxEvents(s, 'lead.reassigned')).toEqual([
      expect.objectContaining({
        leadId,
        fromRep: 'michael-oconnor',
        toRep: 'kevin-zhang',
        notify: ['michael-oconnor', 'kevin-zhang'],
        reasonCode: 'SLA_ACCEPT_MISSED',
      }),
    ]);
    // Michael's first-contact timer is gone; Kevin has fresh ones from 10:15 (his day starts at 10:00).
    const afterFirst = (await s.store.slaTimers.listForLead(leadId)).map((t) => [t.repId, t.kind, t.status, t.dueAt]);
    expect(afterFirst).toEqual([
      ['michael-oconnor', 'accept', 'FIRED', '2026-11-24T15:15:00.000Z'],
      ['michael-oconnor', 'first_contact', 'CANCELLED', '2026-11-24T17:00:00.000Z'],
      ['kevin-zhang', 'accept', 'PENDING', '2026-11-24T15:30:00.000Z'],
      ['kevin-zhang', 'first_contact', 'PENDING', '2026-11-24T17:15:00.000Z'],
    ]);
    // Firing again does nothing: each timer fires once.
    expect(await worker.tick()).toEqual([]);

    // 2nd miss: Kevin does not accept by 10:30 → escalation, and a re-route. Nobody else is eligible
    // (Danielle's licence has expired), so it falls back to the reps who missed — but never to Kevin,
    // who just missed (bounded ladder, issue 15): only he is excluded, so Michael gets it back.
    s.clock.ms = Date.parse('2026-11-24T15:30:00Z');
    const [second] = await worker.tick();
    expect(second).toMatchObject({
      outcome: 'missed',
      missed: 'accept',
      attempt: 2,
      fromRep: 'kevin-zhang',
      excluded: ['kevin-zhang'],
      fellBackToMissed: true,
      escalated: true,
      parked: false,
    });
    if (second?.outcome !== 'missed') throw new Error('expected a miss');
    expect(second.decision!.repId).toBe('michael-oconnor');
    expect(second.decision!.repId).not.toBe('danielle-rivera');
    const escalations = await outboxEvents(s, 'lead.escalated');
    expect(escalations).toEqual([
      expect.objectContaining({
        leadId,
        attempt: 2,
        missedBy: ['michael-oconnor', 'kevin-zhang'],
        escalateTo: 'ops',
        reviewId: second.reviewId,
      }),
    ]);
    const review = await s.store.reviews.get(second.reviewId!);
    expect(review).toMatchObject({ leadId, status: 'OPEN', kind: 'SLA_ESCALATION', reasonCodes: ['SLA_ACCEPT_MISSED', 'SLA_ESCALATED'] });
    lead = await s.store.leads.get(leadId);
    expect(lead!.repId).toBe(second.decision!.repId);
    const history = (await get(s, s.tokens.ops, `/v1/leads/${leadId}`)).body.history.map((h: { kind: string }) => h.kind);
    expect(history.filter((k: string) => k.startsWith('sla.'))).toEqual([
      'sla.missed',
      'sla.reassigned',
      'sla.missed',
      'sla.reassigned',
      'sla.escalated',
    ]);

    // The current rep accepts: the accept timer stops; then contacts the lead: no SLA left.
    const holder = second.decision!.repId!;
    const ops = s.tokens.ops;
    expect((await post(s, ops, `/v1/leads/${leadId}/transitions`, { to: 'ACCEPTED' })).body.slaTimersStopped).toBe(1);
    await usScrub(s, 1);
    const call = await post(s, ops, `/v1/leads/${leadId}/outreach`, { channel: 'call' });
    expect(call.status, JSON.stringify(call.body)).toBe(201);
    expect(call.body).toMatchObject({ firstContact: true, slaTimersStopped: 1 });
    s.clock.ms = Date.parse('2026-11-25T15:00:00Z');
    expect(await worker.tick()).toEqual([]);
    expect((await s.store.slaTimers.listForLead(leadId)).filter((t) => t.status === 'PENDING')).toEqual([]);

    // Speed to lead for this lead: two breaches, first contact by the rep holding it.
    const metrics = await get(s, s.tokens.compliance, '/v1/metrics/speed-to-lead?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z');
    expect(metrics.status).toBe(200);
    const row = metrics.body.leads.find((l: { leadId: string }) => l.leadId === leadId);
    expect(row).toMatchObject({ captureToAssignmentMs: 0, firstAssignedRep: 'michael-oconnor', contactedBy: holder, assignments: 3 });
    expect(row.slaBreaches.map((b: { repId: string; kind: string }) => `${b.repId}:${b.kind}`)).toEqual([
      'michael-oconnor:accept',
      'kevin-zhang:accept',
    ]);
    expect(metrics.body.overall.slaBreaches).toEqual({ accept: 2, firstContact: 0, total: 2 });
  });

  it('nobody eligible at the miss → the lead goes to review', async () => {
    s = await startUsService('brandon-lee');
    const worker = new SlaWorker(s.ctx);
    const { leadId, repId } = await ingest(s, {
      source: 'web_form',
      product: 'us-term-life-20',
      person: { firstName: 'Flo', lastName: 'Rida', email: 'flo@example.com', phone: '+1 305 555 0144' },
      address: { country: 'US', subdivision: 'FL', postalCode: '33101' },
    });
    expect(repId).toBe('brandon-lee'); // the only active FL rep
    s.clock.ms = Date.parse('2026-11-24T15:15:00Z');
    const [miss] = await worker.tick();
    // Escalation needs 2 misses; the re-route falls back to Brandon (nobody else), who is still eligible.
    expect(miss).toMatchObject({
      outcome: 'missed',
      attempt: 1,
      fellBackToMissed: true,
      decision: { outcome: 'ASSIGNED', repId: 'brandon-lee' },
    });
    // Back to the rep who just missed only because he is the sole lawful one, and the story says so.
    const story = (await get(s, s.tokens.ops, `/v1/leads/${leadId}`)).body.history as { kind: string; data: Record<string, unknown> }[];
    expect(story.find((e) => e.kind === 'sla.reassigned')!.data).toMatchObject({
      fromRep: 'brandon-lee',
      toRep: 'brandon-lee',
      sameRepReasonCode: 'SLA_SOLE_LAWFUL_REP',
    });
    // After hours nobody is available: the next miss (first contact, 2 working hours later) queues it and opens a review.
    s.clock.ms = Date.parse('2026-11-25T03:00:00Z'); // 22:00 in Miami: Brandon is off
    const outcomes = await worker.tick();
    const last = outcomes.at(-1)!;
    expect(last).toMatchObject({ outcome: 'missed', escalated: true });
    if (last.outcome !== 'missed') throw new Error('expected a miss');
    expect(last.decision!.outcome).toBe('QUEUED');
    expect(last.reviewId).not.toBeNull();
    expect((await s.store.leads.get(leadId))!.repId).toBeNull();
    expect((await s.store.routingState.snapshot()).loads['brandon-lee']!.open).toBe(0);
  });
});

describe('speed to lead on a known sequence', () => {
  it('per lead, per rep and per team: count, p50, p90, max, breaches', async () => {
    s = await startUsService('michael-oconnor');
    await usScrub(s, 1);
    const leads = [];
    for (const [i, phone] of ['+1 212 555 0101', '+1 212 555 0102', '+1 212 555 0103', '+1 212 555 0104'].entries())
      leads.push(await ingest(s, nyLead(`m${i}`, phone)));
    expect(leads.map((l) => l.repId)).toEqual(['michael-oconnor', 'danielle-rivera', 'kevin-zhang', 'danielle-rivera']);
    const t0 = s.clock.ms;
    // Accepted at +5 min; contacted at +10, +20 and +40 min; the 4th lead is never accepted.
    s.clock.ms = t0 + 5 * MIN;
    for (const l of leads.slice(0, 3))
      expect((await post(s, s.tokens.ops, `/v1/leads/${l.leadId}/transitions`, { to: 'ACCEPTED' })).status).toBe(200);
    for (const [i, offset] of [10, 20, 40].entries()) {
      s.clock.ms = t0 + offset * MIN;
      expect((await post(s, s.tokens.ops, `/v1/leads/${leads[i]!.leadId}/outreach`, { channel: 'call' })).status).toBe(201);
    }
    s.clock.ms = t0 + 40 * MIN;
    const fired = await new SlaWorker(s.ctx).tick(); // the 4th lead's accept SLA (15 min) was missed
    expect(fired).toHaveLength(1);
    const r = (await get(s, s.tokens.ops, '/v1/metrics/speed-to-lead?from=2026-11-24T00:00:00Z')).body;
    expect(r.leads.map((l: { assignmentToFirstContactMs: number | null }) => l.assignmentToFirstContactMs)).toEqual([
      10 * MIN,
      20 * MIN,
      40 * MIN,
      null,
    ]);
    expect(r.leads.map((l: { captureToAssignmentMs: number }) => l.captureToAssignmentMs)).toEqual([0, 0, 0, 0]);
    expect(r.overall).toEqual({
      leads: 4,
      captureToAssignment: { count: 4, p50: 0, p90: 0, max: 0 },
      assignmentToFirstContact: { count: 3, p50: 20 * MIN, p90: 40 * MIN, max: 40 * MIN },
      slaBreaches: { accept: 1, firstContact: 0, total: 1 },
    });
    const byRep = Object.fromEntries(r.byRep.map((g: { repId: string }) => [g.repId, g]));
    expect(byRep['michael-oconnor']).toMatchObject({
      leads: 1,
      assignmentToFirstContact: { count: 1, p50: 10 * MIN, max: 10 * MIN },
      slaBreaches: { total: 0 },
    });
    expect(byRep['danielle-rivera']).toMatchObject({
      leads: 2,
      assignmentToFirstContact: { count: 1, p50: 20 * MIN, max: 20 * MIN },
      slaBreaches: { accept: 1, total: 1 },
    });
    expect(r.byTeam).toEqual([
      expect.objectContaining({
        teamId: 'us-ny-life',
        leads: 4,
        assignmentToFirstContact: { count: 3, p50: 20 * MIN, p90: 40 * MIN, max: 40 * MIN },
      }),
    ]);
    // Filters: one rep's current leads only; rep tokens may not read metrics.
    const forKevin = (await get(s, s.tokens.ops, '/v1/metrics/speed-to-lead?repId=kevin-zhang')).body;
    expect(forKevin.leads.map((l: { repId: string }) => l.repId).every((x: string) => x === 'kevin-zhang')).toBe(true);
    expect((await get(s, s.tokens.rep, '/v1/metrics/speed-to-lead')).status).toBe(403);
  });
});
