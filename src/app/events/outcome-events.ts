import type { AuditRecord } from '../audit/audit-trail.ts';
import type { LeadOutcomeRecord } from '../../store/ports/lead-outcomes.port.ts';

/** The fact an outcome records about a lead (docs/outcomes.md; see lead-events.ts for how kinds declare their projections). */
export interface OutcomeFact {
  readonly leadId: string;
  readonly actor: string;
  readonly at: string;
  readonly outcome: LeadOutcomeRecord;
  /** The outcome this one supersedes (the lead's previous current one), if any. */
  readonly supersedes: string | null;
}

/** The story and the audit name the facts, never the note (free text that may name the person; erasure clears it). */
const facts = (e: OutcomeFact) => {
  const o = e.outcome;
  return {
    outcomeId: o.id,
    seq: o.seq,
    kind: o.kind,
    value: o.value,
    currency: o.currency,
    reasonCode: o.reasonCode,
    closedAt: o.closedAt,
    channel: o.channel,
    decisionId: o.decisionId,
    ...o.attribution,
    supersedes: e.supersedes,
  };
};

export const OUTCOME_EVENT_PROJECTIONS = {
  'outcome.recorded': {
    history: (e: OutcomeFact) => ({ leadId: e.leadId, actor: e.actor, at: e.at, kind: 'outcome.recorded', payload: facts(e) }),
    audit: (e: OutcomeFact): AuditRecord => ({
      subject: e.leadId,
      actor: e.actor,
      at: e.at,
      kind: 'lifecycle',
      payload: { action: 'outcome.recorded', ...facts(e) },
    }),
    outbox: { absent: 'outcomes are not announced to webhook subscribers yet (docs/outcomes.md "Not yet")' },
  },
};
