import type { CrmOutcomeMapping } from '../org/sources.schema.ts';
import type { OutcomeKind } from '../outcomes/outcome-kind.ts';

/**
 * A CRM's closed-deal event, vendor-neutral (docs/outcomes.md "From CRM webhooks"): HubSpot deal property changes and
 * Salesforce Opportunity events are read into this shape, then recorded as lead outcomes by one use case.
 */
interface EventBase {
  /** Idempotency key of the event at its source: a redelivery carries the same key. */
  readonly key: string;
  /** The vendor's event id, as answered back. */
  readonly eventId: string;
  /** The CRM record ids the lead may be known by, tried in order (the converted Lead, the deal / opportunity). */
  readonly recordIds: readonly string[];
  /** The event's content without delivery metadata (attempt number): the same key with another fingerprint is a reuse. */
  readonly fingerprint: string;
}

/** The CRM field each outcome field came from, so an invalid value is reported at the vendor's field. */
export type VendorFields = Readonly<Record<'kind' | 'value' | 'currency' | 'reasonCode' | 'closedAt', string>>;

export type CrmOutcomeEvent =
  /** The deal closed: won, lost or disqualified. */
  | (EventBase & {
      readonly kind: 'close';
      readonly outcome: OutcomeKind;
      /** The value the reason code is looked up by (HubSpot dealstage, Salesforce reasonField). */
      readonly reasonKey: string | null;
      /** The deal amount as sent (validated with the outcome: a negative or non-numeric amount is refused at its field). */
      readonly value: unknown;
      readonly currency: string | null;
      readonly closedAt: string | undefined;
      readonly fields: VendorFields;
    })
  /** The amount of a deal changed (HubSpot sends each property separately): updates an outcome this source recorded. */
  | (EventBase & { readonly kind: 'value'; readonly value: unknown; readonly currency: string | null; readonly fields: VendorFields })
  /** Nothing to record (another property, a stage that is not closed, another object type): answered with why. */
  | (EventBase & { readonly kind: 'ignored'; readonly reason: string });

const DEFAULT_REASON: Readonly<Record<OutcomeKind, string>> = {
  WON: 'CRM_CLOSED_WON',
  LOST: 'CRM_CLOSED_LOST',
  DISQUALIFIED: 'CRM_DISQUALIFIED',
};

/** The reason code of a closed deal: the mapping's code for its stage (or reason field), else the kind's default. */
export function crmReasonCode(mapping: CrmOutcomeMapping | undefined, kind: OutcomeKind, reasonKey: string | null): string {
  const mapped = reasonKey === null ? undefined : mapping?.reasonCodes?.[reasonKey];
  return mapped ?? mapping?.defaultReasonCodes?.[kind] ?? DEFAULT_REASON[kind];
}

/** A value the event sent as text or number; blank is no value (a cleared amount). */
export function amountOf(raw: unknown): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'string') return raw.trim() === '' ? undefined : Number(raw.trim());
  return raw;
}

/** The outcome statement of a closed deal, to be validated with OutcomeInputSchema (which names any bad field). */
export function closeStatement(e: Extract<CrmOutcomeEvent, { kind: 'close' }>, mapping: CrmOutcomeMapping | undefined): unknown {
  const value = amountOf(e.value);
  return {
    kind: e.outcome,
    reasonCode: crmReasonCode(mapping, e.outcome, e.reasonKey),
    ...(value === undefined ? {} : { value, currency: e.currency ?? mapping?.currency }),
    ...(e.closedAt === undefined ? {} : { closedAt: e.closedAt }),
  };
}
