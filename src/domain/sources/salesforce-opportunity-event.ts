import { z } from 'zod';
import type { CrmOutcomeMapping } from '../org/sources.schema.ts';
import type { OutcomeKind } from '../outcomes/outcome-kind.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { CrmOutcomeEvent } from './crm-outcome-event.ts';
import { instantOf } from './map-source-fields.ts';

/**
 * A Salesforce Opportunity event (docs/outcomes.md "From CRM webhooks"), the JSON a record-triggered Flow or a
 * platform-event trigger sends, like the Lead event (salesforce-lead-event.ts): an envelope, the Opportunity with its
 * API names (Id, IsClosed, IsWon, Amount, CurrencyIsoCode, StageName), and `leadId`, the Lead converted into it
 * (Lead.ConvertedOpportunityId = Opportunity.Id) — the record Remit knows.
 */
export const SalesforceOpportunityEventSchema = z.looseObject({
  eventId: z.string().min(1).max(200),
  sobjectType: z.literal('Opportunity'),
  occurredAt: z.string().max(64).optional(),
  organizationId: z.string().max(64).optional(),
  leadId: z.string().min(1).max(64).optional(),
  opportunity: z.looseObject({
    Id: z.string().min(1).max(64),
    IsClosed: z.boolean(),
    IsWon: z.boolean(),
    Amount: z.union([z.number(), z.string().max(64)]).nullish(),
    CurrencyIsoCode: z.string().max(16).nullish(),
    StageName: z.string().max(255).nullish(),
  }),
});
export type SalesforceOpportunityEvent = z.infer<typeof SalesforceOpportunityEventSchema>;

/** Whether a parsed body is an Opportunity event (the Lead events of the same source go to intake). */
export const isSalesforceOpportunity = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && (body as { sobjectType?: unknown }).sobjectType === 'Opportunity';

const FIELDS = {
  kind: 'opportunity.IsWon',
  value: 'opportunity.Amount',
  currency: 'opportunity.CurrencyIsoCode',
  reasonCode: 'opportunity.StageName',
  closedAt: 'occurredAt',
};

/** The event as a closed-deal event: IsWon → WON, else LOST, a disqualifying StageName → DISQUALIFIED; open → ignored. */
export function salesforceOpportunityEvent(e: SalesforceOpportunityEvent, mapping: CrmOutcomeMapping | undefined): CrmOutcomeEvent {
  const o = e.opportunity;
  const base = {
    key: `salesforce:${e.eventId}`,
    eventId: e.eventId,
    recordIds: [...(e.leadId ? [e.leadId] : []), o.Id],
    fingerprint: canonicalJson(e),
  };
  if (!o.IsClosed) return { ...base, kind: 'ignored', reason: `opportunity ${o.Id} is not closed (IsClosed false)` };
  const stage = o.StageName ?? null;
  const outcome: OutcomeKind =
    stage !== null && (mapping?.disqualifiedStages ?? []).includes(stage) ? 'DISQUALIFIED' : o.IsWon ? 'WON' : 'LOST';
  const reasonField = mapping?.reasonField ?? 'StageName';
  const reasonValue = (o as Record<string, unknown>)[reasonField];
  return {
    ...base,
    kind: 'close',
    outcome,
    reasonKey: reasonValue === undefined || reasonValue === null ? null : String(reasonValue),
    value: o.Amount,
    currency: o.CurrencyIsoCode ?? null,
    // Malformed text is passed on as sent, so the outcome check refuses it at its field.
    closedAt: e.occurredAt === undefined ? undefined : (instantOf(e.occurredAt) ?? e.occurredAt),
    fields: { ...FIELDS, reasonCode: `opportunity.${reasonField}` },
  };
}
