/**
 * Stable reason codes of the SLA watcher (docs/routing.md): why a lead was re-routed or escalated.
 * Same shape as the routing catalogue (src/domain/eligibility/reason-codes.ts): code + category +
 * description. Codes are API: never rename, only add.
 */
export type SlaReasonCategory = 'sla';

const reason = (description: string) => ({ category: 'sla' as SlaReasonCategory, description }) as const;

export const SLA_REASON_CODES = {
  SLA_ACCEPT_MISSED: reason('The assigned rep did not accept the lead before the accept deadline.'),
  SLA_FIRST_CONTACT_MISSED: reason('The rep accepted but made no first contact before the first-contact deadline.'),
  SLA_ESCALATED: reason("Misses reached the policy's escalateAfterMisses: an SLA_ESCALATION review is opened for the escalation role."),
  SLA_EXHAUSTED: reason(
    'The miss after the escalation: the ladder is exhausted, the lead is parked in the review queue and no SLA timer fires again.',
  ),
  SLA_SOLE_LAWFUL_REP: reason('The re-route went back to the rep who just missed: nobody else was lawful (eligible) at that moment.'),
} as const;

export type SlaCatalogueCode = keyof typeof SLA_REASON_CODES;

/** The code of a missed deadline (what a re-route or escalation cites first). */
export type SlaReasonCode = Extract<SlaCatalogueCode, 'SLA_ACCEPT_MISSED' | 'SLA_FIRST_CONTACT_MISSED'>;

/** The code an escalation review adds after the miss's own code. */
export const SLA_ESCALATED: SlaCatalogueCode = 'SLA_ESCALATED';

/** The code of the ladder's last step (the lead parked; also the kind of the review it opens). */
export const SLA_EXHAUSTED: SlaCatalogueCode = 'SLA_EXHAUSTED';

/** Added to a hand-over that went back to the rep who just missed because they were the only lawful one. */
export const SLA_SOLE_LAWFUL_REP: SlaCatalogueCode = 'SLA_SOLE_LAWFUL_REP';
