import type { Decision, DecisionOutcome } from '../../domain/decision/decision.ts';
import type { AuditRecord } from '../audit/audit-trail.ts';
import { CONDUCT_EVENTS } from '../conduct/lead-conduct-view.ts';
import { BOOKING_EVENT_PROJECTIONS, type BookingOffer } from './booking-events.ts';
import type { Escalation, HandOver, SlaMissFacts, SlaParking, SlaWarningFacts } from './sla-facts.ts';
import { CRM_EVENT_PROJECTIONS, type CrmWriteResult } from './crm-events.ts';
import { OUTCOME_EVENT_PROJECTIONS, type OutcomeFact } from './outcome-events.ts';
import { REASSIGNMENT_EVENT_PROJECTIONS, type ManualReassignment, type ReassignmentMove } from './reassignment-events.ts';

/**
 * The facts a use case records about a lead, as one typed list. Each kind declares its three
 * projections once: the lead's history (lead_events), the audit inbox (sealed into the hash chain)
 * and the outbox (webhooks). A projection a kind does not have says why, so a reader can tell a
 * deliberate gap from a forgotten one (test/app/lead-events.test.ts checks every kind).
 * recordLeadEvents (record-lead-events.ts) writes them in the caller's transaction.
 */

/** What a decision's outcome is announced as (webhook event type); one name whichever path decided. */
export const outcomeEventType = (outcome: DecisionOutcome): string => `lead.${outcome.toLowerCase()}`;

export interface ReviewApproval {
  readonly reviewId: string;
  readonly requestedBy: string;
  readonly roles: readonly string[];
  readonly resolution: { readonly teamId: string; readonly repId: string; readonly override: boolean } & Record<string, unknown>;
  readonly before: { readonly status: string; readonly teamId: string | null; readonly repId: string | null };
}

interface Fact {
  readonly leadId: string;
  readonly actor: string;
  readonly at: string;
}

export type LeadEvent =
  | (Fact & {
      readonly kind: 'decision.recorded';
      readonly decision: Decision;
      readonly reviewId: string | null;
      readonly slaCause?: string;
      /** Set when a bulk reassignment made this decision: announced once, as lead.reassigned. */
      readonly reassignmentId?: string;
    })
  | (Fact & { readonly kind: 'review.requested.for_decision'; readonly decision: Decision; readonly reviewId: string })
  | (Fact & {
      readonly kind: 'review.requested.exception';
      readonly reviewId: string;
      readonly reason: string;
      readonly teamId: string | null;
      readonly repId: string | null;
      readonly roles: readonly string[];
    })
  | (Fact & {
      readonly kind: 'review.requested.sla_escalation';
      readonly reviewId: string;
      readonly missedBy: readonly string[];
      readonly attempt: number;
    })
  | (Fact & { readonly kind: 'review.approved'; readonly approval: ReviewApproval })
  | (Fact & {
      readonly kind: 'lead.assigned_by_review';
      readonly reviewId: string;
      readonly teamId: string;
      readonly repId: string;
      readonly override: boolean;
    })
  | (Fact & {
      readonly kind: 'review.rejected';
      readonly reviewId: string;
      readonly requestedBy: string;
      readonly roles: readonly string[];
      readonly reason: string;
    })
  | (Fact & { readonly kind: 'dedupe.unique'; readonly keyKinds: readonly string[] })
  | (Fact & {
      readonly kind: 'dedupe.duplicate';
      readonly duplicateOf: string;
      readonly matchedOn: string;
      readonly ownerRep: string | null;
      readonly ownerTeam: string | null;
    })
  | (Fact & { readonly kind: 'dedupe.linked'; readonly duplicate: string; readonly matchedOn: string })
  | (Fact & {
      readonly kind: 'lifecycle.blocked';
      readonly roles: readonly string[];
      readonly repId: string | null;
      readonly attempt: object;
    })
  | (Fact & {
      readonly kind: 'lifecycle.transitioned';
      readonly roles: readonly string[];
      readonly repId: string | null;
      readonly teamId: string | null;
      readonly from: string;
      readonly to: string;
      /** The domain's transition record (from, to, at, actor, reason …). */
      readonly move: object;
      readonly capacityReleased: boolean;
      readonly slaTimersStopped: number;
    })
  | (Fact & {
      readonly kind: 'outreach.denied';
      readonly channel: string;
      readonly failed: readonly { readonly id: string; readonly reasonCode: string }[];
      readonly nextAllowedAt: string | null;
      readonly roles: readonly string[];
      readonly repId: string | null;
      /** The outreach gate's whole verdict (rules, results, reason codes). */
      readonly verdict: object;
    })
  | (Fact & {
      readonly kind: 'outreach.opted_out';
      readonly optOutId: string;
      readonly channel: string;
      readonly optOutKind: string;
      /** When the person opted out (the fact's `at` is when it was recorded). */
      readonly optedOutAt: string;
      readonly repId: string | null;
    })
  | (Fact & {
      readonly kind: 'screening.disposed';
      readonly result: string;
      readonly roles: readonly string[];
      readonly listVersions: unknown;
      readonly dispositions: readonly object[];
    })
  | (Fact & {
      readonly kind: 'review.resolved_by_screening';
      readonly reviewId: string;
      readonly status: 'APPROVED' | 'REJECTED';
      readonly screening: string;
    })
  | (Fact & { readonly kind: 'sla.warned'; readonly warning: SlaWarningFacts })
  | (Fact & { readonly kind: 'sla.missed'; readonly miss: SlaMissFacts })
  | (Fact & { readonly kind: 'sla.reassigned'; readonly handOver: HandOver; readonly reviewId: string | null; readonly timerId: string })
  | (Fact & { readonly kind: 'sla.escalated'; readonly escalation: Escalation })
  | (Fact & { readonly kind: 'sla.parked'; readonly parking: SlaParking })
  | (Fact & { readonly kind: 'reassignment.moved'; readonly move: ReassignmentMove })
  | (Fact & { readonly kind: 'reassignment.manual'; readonly manual: ManualReassignment })
  | (Fact & { readonly kind: 'booking.offered'; readonly offer: BookingOffer })
  | (Fact & { readonly kind: 'crm.written'; readonly result: CrmWriteResult })
  | (Fact & { readonly kind: 'crm.failed'; readonly result: CrmWriteResult })
  | (OutcomeFact & { readonly kind: 'outcome.recorded' });

export type LeadEventKind = LeadEvent['kind'];

export interface HistoryEntry {
  readonly leadId: string;
  readonly kind: string;
  readonly actor: string;
  readonly at: string;
  readonly payload: unknown;
}

export interface OutboxMessage {
  readonly type: string;
  readonly data: unknown;
  readonly at: string;
}

/** A projection a kind does not have, and why. */
export interface Absent {
  readonly absent: string;
}

export type Projection<E, T> = ((event: E) => T | Absent) | Absent;

export interface EventProjections<E> {
  readonly history: Projection<E, HistoryEntry>;
  readonly audit: Projection<E, AuditRecord>;
  readonly outbox: Projection<E, OutboxMessage>;
}

type ProjectionTable = { readonly [K in LeadEventKind]: EventProjections<Extract<LeadEvent, { kind: K }>> };

const decisionView = (decision: Decision) => ({
  decisionId: decision.decisionId,
  outcome: decision.outcome,
  teamId: decision.team?.id ?? null,
  repId: decision.rep?.id ?? null,
  reasons: decision.reasons,
});

export const LEAD_EVENT_PROJECTIONS: ProjectionTable = {
  'decision.recorded': {
    history: (e) => ({
      ...fact(e),
      kind: 'decision',
      payload: {
        ...decisionView(e.decision),
        ...(e.slaCause ? { cause: e.slaCause } : {}),
        ...(e.reassignmentId ? { reassignmentId: e.reassignmentId } : {}),
      },
    }),
    audit: { absent: 'decideAndRecord writes the full decision entry (lead, routing state read, changes) inside the routing locks' },
    outbox: (e) =>
      e.slaCause || e.reassignmentId
        ? { absent: 'a re-route (SLA miss or bulk reassignment) is announced once, as lead.reassigned naming both reps' }
        : {
            type: outcomeEventType(e.decision.outcome),
            at: e.at,
            data: { leadId: e.leadId, ...decisionView(e.decision), reviewId: e.reviewId },
          },
  },
  'review.requested.for_decision': {
    history: (e) => ({
      ...fact(e),
      kind: 'review.requested',
      payload: { reviewId: e.reviewId, kind: e.decision.outcome, reasons: e.decision.reasons },
    }),
    audit: (e) => ({
      ...subject(e),
      kind: 'review',
      payload: {
        action: 'review.requested',
        reviewId: e.reviewId,
        kind: e.decision.outcome,
        decisionId: e.decision.decisionId,
        reasons: e.decision.reasons,
      },
    }),
    outbox: { absent: "the decision's own message (lead.refused, lead.held …) carries the reviewId" },
  },
  'review.requested.exception': {
    history: (e) => ({
      ...fact(e),
      kind: 'review.requested',
      payload: { reviewId: e.reviewId, kind: 'EXCEPTION', reason: e.reason, teamId: e.teamId, repId: e.repId },
    }),
    audit: (e) => ({
      ...subject(e),
      kind: 'review',
      payload: {
        action: 'review.requested',
        reviewId: e.reviewId,
        kind: 'EXCEPTION',
        reason: e.reason,
        teamId: e.teamId,
        repId: e.repId,
        roles: e.roles,
      },
    }),
    outbox: { absent: 'nothing left the firm yet: subscribers hear review.decided when compliance answers' },
  },
  'review.requested.sla_escalation': {
    history: (e) => ({
      ...fact(e),
      kind: 'review.requested',
      payload: { reviewId: e.reviewId, kind: 'SLA_ESCALATION', missedBy: e.missedBy, attempt: e.attempt },
    }),
    audit: { absent: 'the sla.escalated entry recorded with it names the reviewId' },
    outbox: { absent: 'lead.escalated, recorded with it, names the reviewId' },
  },
  'review.approved': {
    history: (e) => ({ ...fact(e), kind: 'review.approved', payload: { reviewId: e.approval.reviewId, ...e.approval.resolution } }),
    audit: (e) => ({
      ...subject(e),
      kind: 'review',
      payload: {
        ...e.approval.resolution,
        action: 'review.approved',
        reviewId: e.approval.reviewId,
        requestedBy: e.approval.requestedBy,
        roles: e.approval.roles,
        before: e.approval.before,
      },
    }),
    outbox: (e) => ({
      type: 'review.decided',
      at: e.at,
      data: {
        reviewId: e.approval.reviewId,
        leadId: e.leadId,
        status: 'APPROVED',
        teamId: e.approval.resolution.teamId,
        repId: e.approval.resolution.repId,
        override: e.approval.resolution.override,
      },
    }),
  },
  'lead.assigned_by_review': {
    history: { absent: 'the review.approved entry recorded with it holds the assignment' },
    audit: { absent: 'the review.approved entry recorded with it holds the assignment and the eligibility re-check' },
    outbox: (e) => ({
      type: 'lead.assigned',
      at: e.at,
      data: { leadId: e.leadId, teamId: e.teamId, repId: e.repId, by: 'review', reviewId: e.reviewId, override: e.override },
    }),
  },
  'review.rejected': {
    history: (e) => ({ ...fact(e), kind: 'review.rejected', payload: { reviewId: e.reviewId, reason: e.reason } }),
    audit: (e) => ({
      ...subject(e),
      kind: 'review',
      payload: { action: 'review.rejected', reviewId: e.reviewId, requestedBy: e.requestedBy, roles: e.roles, reason: e.reason },
    }),
    outbox: (e) => ({
      type: 'review.decided',
      at: e.at,
      data: { reviewId: e.reviewId, leadId: e.leadId, status: 'REJECTED', reason: e.reason },
    }),
  },
  'dedupe.unique': {
    history: { absent: 'the intake history entry already lists the dedupe key kinds; the decision entry follows' },
    audit: (e) => ({ ...subject(e), kind: 'dedupe', payload: { result: 'unique', keyKinds: e.keyKinds } }),
    outbox: { absent: 'a new lead is announced by its decision (lead.assigned …)' },
  },
  'dedupe.duplicate': {
    history: (e) => ({ ...fact(e), kind: 'duplicate', payload: { duplicateOf: e.duplicateOf, matchedOn: e.matchedOn } }),
    audit: (e) => ({
      ...subject(e),
      kind: 'dedupe',
      payload: { result: 'duplicate', duplicateOf: e.duplicateOf, matchedOn: e.matchedOn, status: 'DUPLICATE' },
    }),
    outbox: (e) => ({
      type: 'lead.duplicate',
      at: e.at,
      data: { leadId: e.leadId, duplicateOf: e.duplicateOf, matchedOn: e.matchedOn, ownerRep: e.ownerRep, ownerTeam: e.ownerTeam },
    }),
  },
  'dedupe.linked': {
    history: (e) => ({ ...fact(e), kind: 'duplicate.linked', payload: { duplicate: e.duplicate, matchedOn: e.matchedOn } }),
    audit: (e) => ({
      ...subject(e),
      kind: 'dedupe',
      payload: { result: 'duplicate_linked', duplicate: e.duplicate, matchedOn: e.matchedOn },
    }),
    outbox: { absent: 'lead.duplicate (recorded on the duplicate) already names the original and its owner' },
  },
  'lifecycle.blocked': {
    history: (e) => ({ ...fact(e), kind: CONDUCT_EVENTS.blocked, payload: e.attempt }),
    audit: (e) => ({
      ...subject(e),
      kind: 'lifecycle',
      payload: { action: 'transition.blocked', roles: e.roles, repId: e.repId, ...e.attempt },
    }),
    outbox: { absent: 'nothing changed: the caller gets the refusal with its reason code' },
  },
  'lifecycle.transitioned': {
    history: (e) => ({ ...fact(e), kind: CONDUCT_EVENTS.transition, payload: { ...e.move, capacityReleased: e.capacityReleased } }),
    audit: (e) => ({
      ...subject(e),
      kind: 'lifecycle',
      payload: {
        action: 'transition',
        roles: e.roles,
        repId: e.repId,
        ...e.move,
        capacityReleased: e.capacityReleased,
        slaTimersStopped: e.slaTimersStopped,
      },
    }),
    outbox: (e) => ({
      type: 'lead.status_changed',
      at: e.at,
      data: { leadId: e.leadId, from: e.from, to: e.to, repId: e.repId, teamId: e.teamId, by: e.actor },
    }),
  },
  'outreach.denied': {
    history: (e) => ({
      ...fact(e),
      kind: CONDUCT_EVENTS.outreachDenied,
      payload: { channel: e.channel, failed: e.failed, nextAllowedAt: e.nextAllowedAt },
    }),
    audit: (e) => ({
      ...subject(e),
      kind: 'outreach',
      payload: { action: 'outreach.denied', roles: e.roles, repId: e.repId, ...e.verdict },
    }),
    outbox: { absent: 'nothing was sent and nothing changed: the caller gets OUTREACH_DENIED with the failed rules' },
  },
  'outreach.opted_out': {
    history: (e) => ({
      ...fact(e),
      kind: CONDUCT_EVENTS.optOut,
      payload: { optOutId: e.optOutId, channel: e.channel, kind: e.optOutKind, at: e.optedOutAt },
    }),
    audit: (e) => ({
      ...subject(e),
      kind: 'outreach',
      payload: { action: 'opt_out', optOutId: e.optOutId, channel: e.channel, kind: e.optOutKind, optedOutAt: e.optedOutAt },
    }),
    outbox: (e) => ({
      type: 'lead.opted_out',
      at: e.at,
      data: { leadId: e.leadId, channel: e.channel, kind: e.optOutKind, at: e.optedOutAt, repId: e.repId },
    }),
  },
  'screening.disposed': {
    history: (e) => ({
      ...fact(e),
      kind: 'screening.disposition',
      payload: { result: e.result, listVersions: e.listVersions, dispositions: e.dispositions },
    }),
    audit: (e) => ({
      ...subject(e),
      kind: 'screening',
      payload: {
        action: 'screening.disposition',
        result: e.result,
        roles: e.roles,
        listVersions: e.listVersions,
        dispositions: e.dispositions,
      },
    }),
    outbox: { absent: 'its consequences are announced: review.decided for the open review, lead.<outcome> for the re-decision' },
  },
  'review.resolved_by_screening': {
    history: { absent: 'the screening.disposition entry recorded with it is the resolution (the review row keeps who and when)' },
    audit: { absent: 'the screening.disposition audit entry recorded with it is the resolution; it does not name the reviewId' },
    outbox: (e) => ({
      type: 'review.decided',
      at: e.at,
      data: { reviewId: e.reviewId, leadId: e.leadId, status: e.status, screening: e.screening },
    }),
  },
  'sla.warned': {
    history: (e) => ({ ...fact(e), kind: CONDUCT_EVENTS.slaWarned, payload: e.warning }),
    audit: (e) => ({ ...subject(e), kind: 'sla', payload: { action: 'sla.warned', ...e.warning } }),
    outbox: (e) => {
      const { deadline, repId, teamId, dueAt, minutesLeft } = e.warning;
      return { type: 'lead.sla_warning', at: e.at, data: { leadId: e.leadId, deadline, repId, teamId, dueAt, minutesLeft } };
    },
  },
  'sla.missed': {
    history: (e) => {
      const { timerId, missed, reasonCode, repId, dueAt, attempt, worker } = e.miss;
      return { ...fact(e), kind: CONDUCT_EVENTS.slaMissed, payload: { timerId, missed, reasonCode, repId, dueAt, attempt, worker } };
    },
    audit: (e) => {
      const { timerId, missed, reasonCode, repId, assignedAt, dueAt, attempt, worker } = e.miss;
      return {
        ...subject(e),
        kind: 'sla',
        payload: { action: 'sla.missed', timerId, missed, reasonCode, repId, assignedAt, dueAt, attempt, worker },
      };
    },
    // The breach itself is announced (rep and team lead are told); its consequence follows as lead.reassigned,
    // lead.escalated or lead.sla_exhausted.
    outbox: (e) => {
      const { missed, reasonCode, repId, assignedAt, dueAt, attempt } = e.miss;
      return { type: 'lead.sla_breached', at: e.at, data: { leadId: e.leadId, missed, reasonCode, repId, assignedAt, dueAt, attempt } };
    },
  },
  'sla.reassigned': {
    history: (e) => ({ ...fact(e), kind: CONDUCT_EVENTS.reassigned, payload: { ...e.handOver, reviewId: e.reviewId } }),
    audit: (e) => ({ ...subject(e), kind: 'reroute', payload: { ...e.handOver, reviewId: e.reviewId, timerId: e.timerId } }),
    outbox: (e) => ({
      type: 'lead.reassigned',
      at: e.at,
      data: {
        leadId: e.leadId,
        ...e.handOver,
        reviewId: e.reviewId,
        notify: [e.handOver.fromRep, ...(e.handOver.toRep ? [e.handOver.toRep] : [])],
      },
    }),
  },
  'sla.escalated': {
    history: (e) => ({ ...fact(e), kind: CONDUCT_EVENTS.escalated, payload: e.escalation }),
    audit: (e) => ({ ...subject(e), kind: 'sla', payload: { action: 'sla.escalated', ...e.escalation } }),
    outbox: (e) => ({ type: 'lead.escalated', at: e.at, data: e.escalation }),
  },
  'sla.parked': {
    history: (e) => ({ ...fact(e), kind: CONDUCT_EVENTS.parked, payload: e.parking }),
    audit: (e) => ({ ...subject(e), kind: 'sla', payload: { action: 'sla.parked', ...e.parking } }),
    outbox: (e) => ({ type: 'lead.sla_exhausted', at: e.at, data: e.parking }),
  },
  ...REASSIGNMENT_EVENT_PROJECTIONS,
  ...BOOKING_EVENT_PROJECTIONS,
  ...CRM_EVENT_PROJECTIONS,
  ...OUTCOME_EVENT_PROJECTIONS,
};

function fact(event: Fact): Fact {
  return { leadId: event.leadId, actor: event.actor, at: event.at };
}

function subject(event: Fact): Pick<AuditRecord, 'subject' | 'actor' | 'at'> {
  return { subject: event.leadId, actor: event.actor, at: event.at };
}

/** The three projections of one event (absent ones as null). */
export function projectLeadEvent(event: LeadEvent): {
  history: HistoryEntry | null;
  audit: AuditRecord | null;
  outbox: OutboxMessage | null;
} {
  const projections = LEAD_EVENT_PROJECTIONS[event.kind] as EventProjections<LeadEvent>;
  const apply = <T extends object>(projection: Projection<LeadEvent, T>): T | null => {
    if (typeof projection !== 'function') return null;
    const value = projection(event);
    return isAbsent(value) ? null : value;
  };
  return { history: apply(projections.history), audit: apply(projections.audit), outbox: apply(projections.outbox) };
}

export const isAbsent = (value: unknown): value is Absent => typeof value === 'object' && value !== null && 'absent' in value;
