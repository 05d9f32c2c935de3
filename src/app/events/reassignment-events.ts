import type { AuditRecord } from '../audit/audit-trail.ts';

/**
 * The facts a reassignment records about a lead (see lead-events.ts for how kinds declare their projections). Kept
 * here so lead-events.ts stays one readable table; these projections are spread into it.
 */

/** One lead moved away from a rep by a bulk reassignment: where the engine sent it. */
export interface ReassignmentMove {
  readonly reassignmentId: string;
  readonly fromRep: string;
  readonly toRep: string | null;
  readonly toTeam: string | null;
  readonly outcome: string;
  readonly decisionId: string;
  readonly reason: string;
  readonly reviewId: string | null;
}

/** Ops named the rep: the eligibility re-run that allowed it is the evidence (no decision of the engine). */
export interface ManualReassignment {
  readonly fromRep: string | null;
  readonly toRep: string;
  readonly toTeam: string;
  readonly reason: string;
  readonly roles: readonly string[];
  readonly orgHash: string;
  readonly before: { readonly status: string; readonly teamId: string | null; readonly repId: string | null };
  /** checkAssignment's verdict for the named team and rep at that moment. */
  readonly eligibility: unknown;
}

interface ReassignmentFact {
  readonly leadId: string;
  readonly actor: string;
  readonly at: string;
}

const fact = (e: ReassignmentFact) => ({ leadId: e.leadId, actor: e.actor, at: e.at });
const subject = (e: ReassignmentFact): Pick<AuditRecord, 'subject' | 'actor' | 'at'> => ({ subject: e.leadId, actor: e.actor, at: e.at });

export const REASSIGNMENT_EVENT_PROJECTIONS = {
  'reassignment.moved': {
    history: (e: ReassignmentFact & { readonly move: ReassignmentMove }) => ({
      ...fact(e),
      kind: 'reassigned',
      payload: { by: 'reassignment', ...e.move },
    }),
    audit: (e: ReassignmentFact & { readonly move: ReassignmentMove }): AuditRecord => ({
      ...subject(e),
      kind: 'reroute',
      payload: { action: 'lead.reassigned', by: 'reassignment', ...e.move },
    }),
    outbox: (e: ReassignmentFact & { readonly move: ReassignmentMove }) => ({
      type: 'lead.reassigned',
      at: e.at,
      data: { leadId: e.leadId, by: 'reassignment', ...e.move, notify: [e.move.fromRep, ...(e.move.toRep ? [e.move.toRep] : [])] },
    }),
  },
  'reassignment.manual': {
    history: (e: ReassignmentFact & { readonly manual: ManualReassignment }) => {
      const { fromRep, toRep, toTeam, reason } = e.manual;
      return { ...fact(e), kind: 'reassigned', payload: { by: 'manual', fromRep, toRep, toTeam, reason } };
    },
    // The audit entry carries the eligibility re-check: the evidence that the named rep was eligible at that moment.
    audit: (e: ReassignmentFact & { readonly manual: ManualReassignment }): AuditRecord => ({
      ...subject(e),
      kind: 'reroute',
      payload: { action: 'lead.reassigned', by: 'manual', ...e.manual },
    }),
    outbox: (e: ReassignmentFact & { readonly manual: ManualReassignment }) => {
      const { fromRep, toRep, toTeam, reason } = e.manual;
      const notify = [...(fromRep ? [fromRep] : []), toRep];
      return { type: 'lead.reassigned', at: e.at, data: { leadId: e.leadId, by: 'manual', fromRep, toRep, toTeam, reason, notify } };
    },
  },
} as const;
