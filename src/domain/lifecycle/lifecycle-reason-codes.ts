/**
 * Stable reason codes of a refused lifecycle move (docs/conduct.md): the transition table's and the
 * cooling-off check's. Same shape as the routing catalogue (src/domain/eligibility/reason-codes.ts):
 * code + category + description. Codes are API: never rename, only add.
 */
export type LifecycleReasonCategory = 'lifecycle' | 'cooling-off';

const reason = (category: LifecycleReasonCategory, description: string) => ({ category, description }) as const;

export const LIFECYCLE_REASON_CODES = {
  UNKNOWN_STATE: reason('lifecycle', 'The lead is in a state the lifecycle does not know (a legacy or store-only status).'),
  INVALID_TRANSITION: reason(
    'lifecycle',
    'The transition table does not allow this move; allowedFrom / allowedTargets say which would be.',
  ),
  COOLING_OFF_ACTIVE: reason(
    'cooling-off',
    'A cooling-off window from the rule packs still holds the step back; earliestAllowedAt says when it opens.',
  ),
  COOLING_OFF_EVENT_MISSING: reason(
    'cooling-off',
    'A cooling-off window counts from an event not yet recorded for the lead, so the step cannot be allowed yet.',
  ),
  CUSTOMER_TIME_ZONE_UNKNOWN: reason(
    'cooling-off',
    "A cooling-off window counts in the customer's local days, and no time zone is known for the customer.",
  ),
} as const;

export type LifecycleReasonCode = keyof typeof LIFECYCLE_REASON_CODES;

/** The cooling-off check's own codes (a subset of the catalogue). */
export type CoolingOffReasonCode = Extract<
  LifecycleReasonCode,
  'COOLING_OFF_ACTIVE' | 'COOLING_OFF_EVENT_MISSING' | 'CUSTOMER_TIME_ZONE_UNKNOWN'
>;
