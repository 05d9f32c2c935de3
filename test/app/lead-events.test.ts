import { describe, expect, it } from 'vitest';
import type { Decision, DecisionOutcome } from '../../src/domain/decision/decision.ts';
import { LEAD_EVENT_PROJECTIONS, projectLeadEvent, type LeadEvent, type LeadEventKind } from '../../src/app/events/lead-events.ts';
import { recordDecisionOutcome } from '../../src/app/events/record-lead-events.ts';
import type { UnitOfWork } from '../../src/store/unit-of-work.ts';

const at = '2026-03-02T10:00:00.000Z';

const decision = (outcome: DecisionOutcome, leadId = 'lead-1'): Decision =>
  ({
    decisionId: `dec-${outcome}`,
    leadId,
    outcome,
    team: outcome === 'ASSIGNED' ? { id: 'team-a', name: 'A' } : null,
    rep: outcome === 'ASSIGNED' ? { id: 'rep-a', name: 'Ann' } : null,
    reasons: [{ code: 'JURISDICTION_NOT_LICENSED', detail: 'no licence' }],
    decidedAt: at,
  }) as unknown as Decision;

const fact = { leadId: 'lead-1', actor: 'system', at };

/** One event of every kind: the mapped type makes a new kind fail to compile until it has a sample here. */
const SAMPLES: { readonly [K in LeadEventKind]: Extract<LeadEvent, { kind: K }> } = {
  'decision.recorded': { ...fact, kind: 'decision.recorded', decision: decision('REFUSED'), reviewId: 'rev-1' },
  'review.requested.for_decision': { ...fact, kind: 'review.requested.for_decision', decision: decision('REFUSED'), reviewId: 'rev-1' },
  'review.requested.exception': {
    ...fact,
    kind: 'review.requested.exception',
    reviewId: 'rev-1',
    reason: 'why',
    teamId: null,
    repId: null,
    roles: ['ops'],
  },
  'review.requested.sla_escalation': {
    ...fact,
    kind: 'review.requested.sla_escalation',
    reviewId: 'rev-1',
    missedBy: ['rep-a'],
    attempt: 2,
  },
  'review.approved': {
    ...fact,
    kind: 'review.approved',
    approval: {
      reviewId: 'rev-1',
      requestedBy: 'key-ops',
      roles: ['compliance'],
      resolution: { action: 'approve', teamId: 'team-a', repId: 'rep-a', override: false },
      before: { status: 'REFUSED', teamId: null, repId: null },
    },
  },
  'lead.assigned_by_review': {
    ...fact,
    kind: 'lead.assigned_by_review',
    reviewId: 'rev-1',
    teamId: 'team-a',
    repId: 'rep-a',
    override: true,
  },
  'review.rejected': { ...fact, kind: 'review.rejected', reviewId: 'rev-1', requestedBy: 'key-ops', roles: ['compliance'], reason: 'no' },
  'dedupe.unique': { ...fact, kind: 'dedupe.unique', keyKinds: ['email'] },
  'dedupe.duplicate': {
    ...fact,
    kind: 'dedupe.duplicate',
    duplicateOf: 'lead-0',
    matchedOn: 'email',
    ownerRep: 'rep-a',
    ownerTeam: 'team-a',
  },
  'dedupe.linked': { ...fact, leadId: 'lead-0', kind: 'dedupe.linked', duplicate: 'lead-1', matchedOn: 'email' },
  'lifecycle.blocked': { ...fact, kind: 'lifecycle.blocked', roles: ['rep'], repId: 'rep-a', attempt: { from: 'ASSIGNED', to: 'WON' } },
  'lifecycle.transitioned': {
    ...fact,
    kind: 'lifecycle.transitioned',
    roles: ['rep'],
    repId: 'rep-a',
    teamId: 'team-a',
    from: 'ASSIGNED',
    to: 'ACCEPTED',
    move: { from: 'ASSIGNED', to: 'ACCEPTED' },
    capacityReleased: false,
    slaTimersStopped: 1,
  },
  'outreach.denied': {
    ...fact,
    kind: 'outreach.denied',
    channel: 'phone',
    failed: [{ id: 'quiet-hours', reasonCode: 'QUIET_HOURS' }],
    nextAllowedAt: at,
    roles: ['rep'],
    repId: 'rep-a',
    verdict: { decision: 'deny' },
  },
  'outreach.opted_out': {
    ...fact,
    kind: 'outreach.opted_out',
    optOutId: 'opt-1',
    channel: 'sms',
    optOutKind: 'stop',
    optedOutAt: at,
    repId: 'rep-a',
  },
  'screening.disposed': { ...fact, kind: 'screening.disposed', result: 'clear', roles: ['compliance'], listVersions: {}, dispositions: [] },
  'review.resolved_by_screening': {
    ...fact,
    kind: 'review.resolved_by_screening',
    reviewId: 'rev-1',
    status: 'APPROVED',
    screening: 'clear',
  },
  'sla.warned': {
    ...fact,
    kind: 'sla.warned',
    warning: { timerId: 'tmr-w', deadline: 'accept', repId: 'rep-a', teamId: 'team-a', dueAt: at, minutesLeft: 5, worker: 'w' },
  },
  'sla.missed': {
    ...fact,
    kind: 'sla.missed',
    miss: {
      timerId: 'tmr-1',
      missed: 'accept',
      reasonCode: 'SLA_ACCEPT_MISSED',
      repId: 'rep-a',
      assignedAt: at,
      dueAt: at,
      attempt: 1,
      worker: 'w',
    },
  },
  'sla.reassigned': {
    ...fact,
    kind: 'sla.reassigned',
    timerId: 'tmr-1',
    reviewId: null,
    handOver: {
      fromRep: 'rep-a',
      toRep: 'rep-b',
      toTeam: 'team-a',
      missed: 'accept',
      reasonCode: 'SLA_ACCEPT_MISSED',
      attempt: 1,
      excluded: ['rep-a'],
      fellBackToMissed: false,
      decisionId: 'dec-1',
      outcome: 'ASSIGNED',
    },
  },
  'sla.escalated': {
    ...fact,
    kind: 'sla.escalated',
    escalation: {
      leadId: 'lead-1',
      attempt: 2,
      missed: 'accept',
      missedBy: ['rep-a'],
      escalateTo: 'ops',
      currentRep: 'rep-a',
      reviewId: 'rev-1',
    },
  },
  'sla.parked': {
    ...fact,
    kind: 'sla.parked',
    parking: {
      leadId: 'lead-1',
      attempt: 3,
      missed: 'accept',
      missedBy: ['rep-a', 'rep-b'],
      reasonCode: 'SLA_EXHAUSTED',
      currentRep: 'rep-b',
      reviewId: 'rev-1',
      reviewKind: 'SLA_EXHAUSTED',
      timersStopped: 1,
    },
  },
  'reassignment.moved': {
    ...fact,
    kind: 'reassignment.moved',
    move: {
      reassignmentId: 'rea-1',
      fromRep: 'rep-a',
      toRep: 'rep-b',
      toTeam: 'team-a',
      outcome: 'ASSIGNED',
      decisionId: 'dec-1',
      reason: 'rep left',
      reviewId: null,
    },
  },
  'reassignment.manual': {
    ...fact,
    kind: 'reassignment.manual',
    manual: {
      fromRep: 'rep-a',
      toRep: 'rep-b',
      toTeam: 'team-a',
      reason: 'client asked',
      roles: ['ops'],
      orgHash: 'h',
      before: { status: 'ASSIGNED', teamId: 'team-a', repId: 'rep-a' },
      eligibility: { eligible: true },
    },
  },
  'booking.offered': {
    ...fact,
    kind: 'booking.offered',
    offer: {
      repId: 'rep-a',
      decisionId: 'dec-1',
      formId: 'form-a',
      bookingUrlTemplate: 'https://cal.com/a?email={email}',
      prefilled: true,
    },
  },
  'crm.written': {
    ...fact,
    kind: 'crm.written',
    result: {
      writebackId: 'crm-1',
      targetId: 'hubspot-main',
      crm: 'hubspot',
      recordId: '501',
      reasonCode: 'CRM_WRITTEN',
      attempt: 1,
      request: { method: 'PATCH', path: '/crm/v3/objects/contacts/501', body: { properties: { hubspot_owner_id: '77' } } },
    },
  },
  'crm.failed': {
    ...fact,
    kind: 'crm.failed',
    result: {
      writebackId: 'crm-1',
      targetId: 'sfdc-prod',
      crm: 'salesforce',
      recordId: '00Q000000000001AAA',
      reasonCode: 'CRM_REJECTED',
      attempt: 1,
      error: 'HTTP 400 INVALID_FIELD: No such column',
      nextAttemptAt: null,
    },
  },
  'outcome.recorded': {
    ...fact,
    kind: 'outcome.recorded',
    outcome: {
      id: 'out-2',
      leadId: 'lead-1',
      seq: 2,
      kind: 'WON',
      value: 1200,
      currency: 'EUR',
      reasonCode: 'PRICE',
      note: 'spoke to Jane Doe',
      closedAt: at,
      recordedAt: at,
      recordedBy: 'rep-a',
      channel: 'api',
      decisionId: 'dec-ASSIGNED',
      attribution: { rep: 'rep-a', team: 'team-a', rule: 'r1', strategy: 'round-robin', segment: null, source: 'web' },
    },
    supersedes: 'out-1',
  },
};

describe('lead events: every kind declares its three projections', () => {
  const kinds = Object.keys(LEAD_EVENT_PROJECTIONS) as LeadEventKind[];

  it.each(kinds)('%s has a history entry, an audit entry and an outbox message, or says why not', (kind) => {
    const projections = LEAD_EVENT_PROJECTIONS[kind];
    for (const which of ['history', 'audit', 'outbox'] as const) {
      const projection = projections[which];
      if (typeof projection === 'function') continue;
      expect(projection.absent, `${kind}.${which}`).toMatch(/\w{3,}.*\s\w+/);
    }
    // A kind whose three projections are all absent would record nothing at all.
    expect(Object.values(projections).some((p) => typeof p === 'function')).toBe(true);
  });

  it.each(kinds)('%s projects a sample onto the lead it is about, by the actor, at its time', (kind) => {
    const event = SAMPLES[kind];
    const projected = projectLeadEvent(event);
    if (projected.history) expect(projected.history).toMatchObject({ leadId: event.leadId, actor: event.actor, at: event.at });
    if (projected.audit) expect(projected.audit).toMatchObject({ subject: event.leadId, actor: event.actor, at: event.at });
    if (projected.outbox) expect(projected.outbox.at).toBe(event.at);
    expect([projected.history, projected.audit, projected.outbox].some((p) => p !== null)).toBe(true);
  });
});

interface Written {
  readonly history: { kind: string; actor: string; at: string; payload: Record<string, unknown> }[];
  readonly audit: { kind: string; payload: Record<string, unknown> }[];
  readonly outbox: { type: string; data: Record<string, unknown> }[];
  readonly reviewsOpened: { id: string; kind: string }[];
}

/** A unit of work that keeps what the writer writes (only the repositories the event path touches). */
function recordingTx(openReview: string | null = null): { tx: UnitOfWork; written: Written } {
  const written: Written = { history: [], audit: [], outbox: [], reviewsOpened: [] };
  const tx = {
    events: {
      append: async (e: { kind: string; actor: string; at: string; payloadJson: string }) =>
        void written.history.push({ ...e, payload: JSON.parse(e.payloadJson) }),
      record: async (es: { kind: string; actor: string; at: string; payloadJson: string }[]) =>
        void written.history.push(...es.map((e) => ({ ...e, payload: JSON.parse(e.payloadJson) }))),
    },
    // the app hands the store its canonical text (AuditTextEvent) or the payload object (AuditEvent): kept as the object
    audit: {
      append: async (e: { kind: string; payload?: Record<string, unknown>; payloadText?: string }) =>
        void written.audit.push({ kind: e.kind, payload: e.payloadText === undefined ? e.payload! : JSON.parse(e.payloadText) }),
    },
    outbox: {
      enqueue: async (e: { eventType: string; payloadJson: string }) =>
        void written.outbox.push({ type: e.eventType, data: JSON.parse(e.payloadJson).data }),
    },
    reviews: {
      openForLead: async () => (openReview ? { id: openReview } : undefined),
      open: async (r: { id: string; kind: string }) => void written.reviewsOpened.push({ id: r.id, kind: r.kind }),
    },
  };
  return { tx: tx as unknown as UnitOfWork, written };
}

function sequentialIds() {
  let n = 0;
  return { next: (prefix: string) => `${prefix}-${++n}` };
}

describe('recordDecisionOutcome: one outcome record whichever path decided (intake, re-decision, queue)', () => {
  it.each(['system', 'queue', 'key-compliance'])(
    'a refusal decided by %s: a review, then lead.refused naming it, with one payload shape',
    async (actor) => {
      const { tx, written } = recordingTx();
      const { reviewId } = await recordDecisionOutcome(tx, { ids: sequentialIds() }, decision('REFUSED'), { actor });
      expect(reviewId).toBe('rev-1');
      expect(written.reviewsOpened).toEqual([{ id: 'rev-1', kind: 'REFUSED' }]);
      expect(written.history.map((h) => h.kind)).toEqual(['decision', 'review.requested']);
      expect(written.history[0]).toMatchObject({ actor, at });
      expect(written.audit).toEqual([
        expect.objectContaining({ kind: 'review', payload: expect.objectContaining({ action: 'review.requested', reviewId: 'rev-1' }) }),
      ]);
      expect(written.outbox).toEqual([
        {
          type: 'lead.refused',
          data: {
            leadId: 'lead-1',
            decisionId: 'dec-REFUSED',
            outcome: 'REFUSED',
            teamId: null,
            repId: null,
            reasons: decision('REFUSED').reasons,
            reviewId: 'rev-1',
          },
        },
      ]);
    },
  );

  it.each([
    ['ASSIGNED', 'lead.assigned'],
    ['QUEUED', 'lead.queued'],
    ['NURTURE', 'lead.nurture'],
    ['HELD', 'lead.held'],
  ] as const)('%s is announced as %s, with reviewId present (null when no review)', async (outcome, type) => {
    const { tx, written } = recordingTx();
    await recordDecisionOutcome(tx, { ids: sequentialIds() }, decision(outcome), { actor: 'system' });
    expect(written.outbox.map((o) => o.type)).toEqual([type]);
    expect(written.outbox[0]!.data).toHaveProperty('reviewId', outcome === 'HELD' ? 'rev-1' : null);
    expect(written.reviewsOpened.length).toBe(outcome === 'HELD' ? 1 : 0);
  });

  it('a lead never gets a second open review: the open one is reused and named', async () => {
    const { tx, written } = recordingTx('rev-open');
    const { reviewId } = await recordDecisionOutcome(tx, { ids: sequentialIds() }, decision('HELD'), { actor: 'screening' });
    expect(reviewId).toBe('rev-open');
    expect(written.reviewsOpened).toEqual([]);
    expect(written.history.map((h) => h.kind)).toEqual(['decision']);
    expect(written.outbox[0]!.data).toMatchObject({ reviewId: 'rev-open' });
  });

  it('after an SLA miss a lead nobody takes goes to review; the re-route is announced once, as lead.reassigned', async () => {
    const { tx, written } = recordingTx();
    const { reviewId } = await recordDecisionOutcome(tx, { ids: sequentialIds() }, decision('QUEUED'), {
      actor: 'system',
      slaCause: 'SLA_ACCEPT_MISSED',
    });
    expect(reviewId).toBe('rev-1');
    expect(written.reviewsOpened).toEqual([{ id: 'rev-1', kind: 'QUEUED' }]);
    expect(written.history[0]!.payload).toMatchObject({ outcome: 'QUEUED', cause: 'SLA_ACCEPT_MISSED' });
    expect(written.outbox).toEqual([]);
  });

  it('an SLA re-route that assigns someone opens no review', async () => {
    const { tx, written } = recordingTx();
    expect(
      await recordDecisionOutcome(tx, { ids: sequentialIds() }, decision('ASSIGNED'), { actor: 'system', slaCause: 'SLA_ACCEPT_MISSED' }),
    ).toEqual({ reviewId: null });
    expect(written.reviewsOpened).toEqual([]);
  });
});
