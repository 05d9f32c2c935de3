import { afterEach, describe, expect, it } from 'vitest';
import type { SlaFireOutcome } from '../../src/app/sla/sla-miss.use-case.ts';
import { SlaWorker } from '../../src/app/sla/sla-worker.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { startTestService, type TestService } from '../http/service-harness.ts';
import { get, ingest, nyLead, post, US_MORNING } from './conduct-fixtures.ts';

/**
 * Issue 15 item 2: a New York lead that every rep ignores runs the bounded SLA ladder to its end with the
 * default policy (escalateAfterMisses 2): miss 1 re-routes, miss 2 escalates once (and re-routes), miss 3
 * parks the lead in the review queue and stops its timers; nothing fires after, and the lead story shows
 * each step. On SQLite and PostgreSQL, with the service's injected clock.
 */

const dialects = await bothDialects();

describe.each(dialects)('bounded SLA ladder over HTTP: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let h: StoreHarness | undefined;
  let s: TestService | undefined;
  afterEach(async () => {
    await s?.close();
    await h?.cleanup();
    s = h = undefined;
  });

  /** Moves the clock to `iso` and fires what is due: exactly one miss. */
  async function missAt(svc: TestService, worker: SlaWorker, iso: string): Promise<Extract<SlaFireOutcome, { outcome: 'missed' }>> {
    svc.clock.ms = Date.parse(iso);
    const outcomes = await worker.tick();
    expect(outcomes).toHaveLength(1);
    const [miss] = outcomes;
    if (miss?.outcome !== 'missed') throw new Error(`expected a miss, got ${JSON.stringify(miss)}`);
    return miss;
  }

  /** Ingests a NY lead (Michael at 10:00) and lets two reps ignore it: a re-route, then the one escalation. */
  async function runToEscalation(svc: TestService) {
    const worker = new SlaWorker(svc.ctx, { name: 'ladder-worker' });
    const { leadId, repId } = await ingest(svc, nyLead('ladder', '+1 212 555 0177'));
    expect(repId).toBe('michael-oconnor');
    const first = await missAt(svc, worker, '2026-11-24T15:15:00Z');
    expect(first).toMatchObject({ attempt: 1, fromRep: 'michael-oconnor', escalated: false, parked: false });
    const second = await missAt(svc, worker, '2026-11-24T15:30:00Z');
    expect(second).toMatchObject({ attempt: 2, fromRep: first.decision!.repId, escalated: true, parked: false });
    // Never the same rep twice in a row: three NY reps are lawful, so each re-route goes to someone else.
    const holders = ['michael-oconnor', first.decision!.repId, second.decision!.repId];
    expect(new Set(holders).size).toBe(3);
    return { worker, leadId, holders, escalationReview: second.reviewId! };
  }

  async function startLadder(): Promise<TestService> {
    h = await factory.create();
    return startTestService({ url: h.url, ...(h.schema ? { schema: h.schema } : {}), at: US_MORNING, repId: 'michael-oconnor' });
  }

  async function storyOf(svc: TestService, leadId: string) {
    const res = await get(svc, svc.tokens.ops, `/v1/leads/${leadId}`);
    expect(res.status).toBe(200);
    return res.body.history as { kind: string; data: Record<string, any> }[];
  }

  it('a lead ignored by every rep: re-route, one escalation, parked in an SLA_EXHAUSTED review; then nothing fires', async () => {
    s = await startLadder();
    const { worker, leadId, holders, escalationReview } = await runToEscalation(s);
    // Ops has seen the escalation and leaves the lead where it is (rejects the review item).
    const seen = await post(s, s.tokens.compliance, `/v1/review/${escalationReview}/reject`, { reason: 'escalation seen, rep chased' });
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);

    const third = await missAt(s, worker, '2026-11-24T15:45:00Z');
    expect(third).toMatchObject({ attempt: 3, fromRep: holders[2], escalated: false, parked: true, decision: null });
    const review = await s.store.reviews.get(third.reviewId!);
    expect(review).toMatchObject({ leadId, status: 'OPEN', kind: 'SLA_EXHAUSTED', reasonCodes: ['SLA_ACCEPT_MISSED', 'SLA_EXHAUSTED'] });
    expect((await s.store.leads.get(leadId))!.repId).toBe(holders[2]);

    // Bounded: no pending timer is left, and a week later nothing fires for this lead.
    expect((await s.store.slaTimers.listForLead(leadId)).filter((t) => t.status === 'PENDING')).toEqual([]);
    s.clock.ms = Date.parse('2026-12-01T15:00:00Z');
    expect(await worker.tick()).toEqual([]);

    const story = await storyOf(s, leadId);
    expect(story.filter((e) => e.kind.startsWith('sla.')).map((e) => e.kind)).toEqual([
      'sla.missed',
      'sla.reassigned',
      'sla.missed',
      'sla.reassigned',
      'sla.escalated',
      'sla.missed',
      'sla.parked',
    ]);
    const reassigned = story.filter((e) => e.kind === 'sla.reassigned').map((e) => [e.data.fromRep, e.data.toRep]);
    expect(reassigned).toEqual([
      [holders[0], holders[1]],
      [holders[1], holders[2]],
    ]);
    expect(story.find((e) => e.kind === 'sla.escalated')!.data).toMatchObject({
      attempt: 2,
      escalateTo: 'ops',
      reviewId: escalationReview,
    });
    expect(story.find((e) => e.kind === 'sla.parked')!.data).toMatchObject({
      attempt: 3,
      reasonCode: 'SLA_EXHAUSTED',
      missedBy: holders,
      currentRep: holders[2],
      reviewId: third.reviewId,
      reviewKind: 'SLA_EXHAUSTED',
      timersStopped: 1,
    });
  });

  it('a lead still waiting in its escalation review is parked in that review (one open review per lead)', async () => {
    s = await startLadder();
    const { worker, leadId, escalationReview } = await runToEscalation(s);
    const third = await missAt(s, worker, '2026-11-24T15:45:00Z');
    expect(third).toMatchObject({ attempt: 3, parked: true, reviewId: escalationReview });
    const parked = (await storyOf(s, leadId)).find((e) => e.kind === 'sla.parked')!;
    expect(parked.data).toMatchObject({ reviewId: escalationReview, reviewKind: 'SLA_ESCALATION' });
    s.clock.ms = Date.parse('2026-12-01T15:00:00Z');
    expect(await worker.tick()).toEqual([]);
  });
});
