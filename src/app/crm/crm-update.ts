import type { CrmTarget } from '../../domain/org/crm-writeback.schema.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';

/**
 * What one write-back writes, fixed in the transaction of the decision (docs/crm.md): the owner as the CRM knows them,
 * the status, the decision and the link to the lead's story. Each CRM kind renders it into its own request
 * (crm-dialects.ts); a value left null is not written (an unmapped rep never clears the CRM's owner).
 */
export interface CrmUpdate {
  /** The outbox event that caused it (lead.assigned, lead.reassigned, lead.status_changed …). */
  readonly cause: string;
  readonly repId: string | null;
  /** The rep's CRM user id (HubSpot owner id, Salesforce User Id); null: no rep, or the rep is not mapped. */
  readonly ownerId: string | null;
  readonly leadStatus: string;
  /** The CRM's status value for the lead's status; null when the target maps none. */
  readonly crmStatus: string | null;
  readonly decisionId: string | null;
  readonly storyUrl: string | null;
}

/** The decision id the event names, else (a review or manual assignment) none: the story link leads to the rest. */
const decisionIdOf = (data: unknown): string | null => {
  const id = (data as { decisionId?: unknown } | null)?.decisionId;
  return typeof id === 'string' && id !== '' ? id : null;
};

export function crmUpdateFor(
  target: CrmTarget,
  lead: Pick<LeadRecord, 'id' | 'status' | 'repId'>,
  event: { readonly eventType: string; readonly data: unknown },
  consoleUrl: string | undefined,
): CrmUpdate {
  const statuses: Readonly<Record<string, string | undefined>> = target.statuses ?? {};
  return {
    cause: event.eventType,
    repId: lead.repId,
    ownerId: lead.repId === null ? null : (target.owners[lead.repId] ?? null),
    leadStatus: lead.status,
    crmStatus: statuses[lead.status] ?? null,
    decisionId: decisionIdOf(event.data),
    storyUrl: consoleUrl ? `${consoleUrl.replace(/\/+$/, '')}/leads/${encodeURIComponent(lead.id)}` : null,
  };
}

/** The CRM properties/fields an update sets, by name; empty when there is nothing this target would write. */
export function crmFieldValues(target: CrmTarget, update: CrmUpdate, names: { readonly owner: string; readonly status: string }) {
  const values: Record<string, string> = {};
  if (update.ownerId !== null) values[names.owner] = update.ownerId;
  if (update.crmStatus !== null) values[names.status] = update.crmStatus;
  if (target.fields?.decisionId && update.decisionId !== null) values[target.fields.decisionId] = update.decisionId;
  if (target.fields?.storyUrl && update.storyUrl !== null) values[target.fields.storyUrl] = update.storyUrl;
  return values;
}
