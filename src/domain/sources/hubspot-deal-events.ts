import { z } from 'zod';
import type { CrmOutcomeMapping } from '../org/sources.schema.ts';
import type { OutcomeKind } from '../outcomes/outcome-kind.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { CrmOutcomeEvent, VendorFields } from './crm-outcome-event.ts';

/**
 * HubSpot Webhooks API v3 deliveries (docs/outcomes.md "From CRM webhooks"): a JSON array of up to 100 events, each with
 * eventId, subscriptionId, portalId, appId, occurredAt (epoch ms), subscriptionType, attemptNumber, objectId and, for a
 * property change, propertyName and propertyValue (always text). Deals come as `deal.propertyChange`, or as the generic
 * `object.propertyChange` with objectTypeId `0-3`. HubSpot documents eventId as not guaranteed unique, so an event is
 * keyed by eventId, object, property and time together; attemptNumber differs on a redelivery and is left out.
 */
const HubSpotEventSchema = z.looseObject({
  eventId: z.union([z.number().int(), z.string().min(1).max(100)]),
  subscriptionType: z.string().min(1).max(100),
  portalId: z.union([z.number().int(), z.string().max(64)]).optional(),
  objectId: z.union([z.number().int(), z.string().min(1).max(64)]),
  objectTypeId: z.string().max(32).optional(),
  occurredAt: z.number().int().nonnegative(),
  attemptNumber: z.number().int().optional(),
  propertyName: z.string().max(200).nullish(),
  propertyValue: z.string().max(4000).nullish(),
});
type HubSpotEvent = z.infer<typeof HubSpotEventSchema>;

export const HubSpotDealEventsSchema = z.array(HubSpotEventSchema).min(1).max(500);

const FIELDS: VendorFields = {
  kind: 'dealstage',
  value: 'amount',
  currency: 'deal_currency_code',
  reasonCode: 'dealstage',
  closedAt: 'occurredAt',
};

const isDealChange = (e: HubSpotEvent) =>
  e.subscriptionType === 'deal.propertyChange' || (e.subscriptionType === 'object.propertyChange' && e.objectTypeId === '0-3');

/** The outcome a deal stage means under the mapping (defaults: closedwon, closedlost), or null for a stage still open. */
export function hubSpotStageOutcome(stage: string, m: CrmOutcomeMapping | undefined): OutcomeKind | null {
  if ((m?.disqualifiedStages ?? []).includes(stage)) return 'DISQUALIFIED';
  if ((m?.wonStages ?? ['closedwon']).includes(stage)) return 'WON';
  if ((m?.lostStages ?? ['closedlost']).includes(stage)) return 'LOST';
  return null;
}

/** The latest value of a property per deal in this delivery (HubSpot sends each changed property as its own event). */
function latestByDeal(events: readonly HubSpotEvent[], property: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const e of events) if (isDealChange(e) && e.propertyName === property) out.set(String(e.objectId), e.propertyValue ?? null);
  return out;
}

/**
 * A delivery's events, oldest first (amount changes last), as closed-deal events: a dealstage change to a won / lost / disqualified stage
 * closes the deal, with the amount and currency changed in the same delivery; an amount change alone updates the value
 * of an outcome this source recorded; anything else is ignored with its reason.
 */
export function hubSpotDealEvents(events: readonly HubSpotEvent[], mapping: CrmOutcomeMapping | undefined): CrmOutcomeEvent[] {
  const ordered = [...events].sort((a, b) => a.occurredAt - b.occurredAt);
  const amounts = latestByDeal(ordered, 'amount');
  const currencies = latestByDeal(ordered, 'deal_currency_code');
  const read = ordered.map((e): CrmOutcomeEvent => {
    const dealId = String(e.objectId);
    const { attemptNumber: _attempt, ...content } = e;
    const base = {
      key: `hubspot:${e.portalId ?? ''}:${e.eventId}:${dealId}:${e.propertyName ?? ''}:${e.occurredAt}`,
      eventId: String(e.eventId),
      recordIds: [dealId],
      fingerprint: canonicalJson(content),
    };
    if (!isDealChange(e)) return { ...base, kind: 'ignored', reason: `not a deal property change (${e.subscriptionType})` };
    const currency = currencies.get(dealId) ?? null;
    if (e.propertyName === 'amount') return { ...base, kind: 'value', value: e.propertyValue, currency, fields: FIELDS };
    if (e.propertyName === 'deal_currency_code')
      return { ...base, kind: 'ignored', reason: "the deal's currency: applied with its close or amount change in this delivery" };
    if (e.propertyName !== 'dealstage')
      return { ...base, kind: 'ignored', reason: `deal property ${e.propertyName ?? '(none)'} is not an outcome` };
    const stage = e.propertyValue ?? '';
    const outcome = hubSpotStageOutcome(stage, mapping);
    if (outcome === null) return { ...base, kind: 'ignored', reason: `deal stage "${stage}" is not a closed stage in the mapping` };
    return {
      ...base,
      kind: 'close',
      outcome,
      reasonKey: stage,
      value: amounts.get(dealId),
      currency,
      closedAt: new Date(e.occurredAt).toISOString(),
      fields: FIELDS,
    };
  });
  // Amount changes after the closes: one sent with its deal's close (HubSpot may send it first) is then already recorded.
  return [...read.filter((e) => e.kind !== 'value'), ...read.filter((e) => e.kind === 'value')];
}
