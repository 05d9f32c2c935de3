import type { AuditRecord } from '../audit/audit-trail.ts';

/**
 * The facts a CRM write-back records about a lead (docs/crm.md; see lead-events.ts for how kinds declare their
 * projections). Kept here so lead-events.ts stays one readable table.
 */

/** One attempt's result: the record, what was written (or why not), and what happens next. */
export interface CrmWriteResult {
  readonly writebackId: string;
  readonly targetId: string;
  readonly crm: string;
  readonly recordId: string;
  readonly reasonCode: string;
  readonly attempt: number;
  /** Written: the CRM path and the fields set. */
  readonly request?: { readonly method: string; readonly path: string; readonly body: object };
  /** Failed: the CRM's message, when it gave one. */
  readonly error?: string;
  /** Failed: when it is tried again; null when dead-lettered (redrive: POST /v1/crm/writebacks/{id}/redrive). */
  readonly nextAttemptAt?: string | null;
}

interface CrmFact {
  readonly leadId: string;
  readonly actor: string;
  readonly at: string;
}

type CrmEvent = CrmFact & { readonly result: CrmWriteResult };

const history = (kind: string) => (e: CrmEvent) => ({ leadId: e.leadId, actor: e.actor, at: e.at, kind, payload: { ...e.result } });

export const CRM_EVENT_PROJECTIONS = {
  'crm.written': {
    history: history('crm.written'),
    audit: (e: CrmEvent): AuditRecord => ({
      subject: e.leadId,
      actor: e.actor,
      at: e.at,
      kind: 'decision',
      payload: { action: 'crm.written', ...e.result },
    }),
    outbox: { absent: 'the CRM write-back is itself the outbound effect of the decision; announcing it again would loop' },
  },
  'crm.failed': {
    history: history('crm.failed'),
    audit: { absent: 'nothing changed at the CRM; the write-back row keeps the error and the history shows it' },
    outbox: { absent: 'failures are counted (remit_crm_writeback_failures_total), logged and listed at GET /v1/crm/writebacks' },
  },
};
