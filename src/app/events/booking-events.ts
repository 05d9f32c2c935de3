import type { AuditRecord } from '../audit/audit-trail.ts';

/**
 * The fact a booking hand-off records about a lead (docs/sources.md "Booking hand-off"; see lead-events.ts for how
 * kinds declare their projections). Kept here so lead-events.ts stays one readable table.
 */

/** A form prospect was sent to the assigned rep's booking page. The template, never the filled URL: no personal data. */
export interface BookingOffer {
  readonly repId: string;
  readonly decisionId: string;
  readonly formId: string;
  readonly bookingUrlTemplate: string;
  /** Whether the lead's consent allowed the prospect's name and email to be prefilled. */
  readonly prefilled: boolean;
}

interface BookingFact {
  readonly leadId: string;
  readonly actor: string;
  readonly at: string;
}

export const BOOKING_EVENT_PROJECTIONS = {
  'booking.offered': {
    history: (e: BookingFact & { readonly offer: BookingOffer }) => ({
      leadId: e.leadId,
      actor: e.actor,
      at: e.at,
      kind: 'booking.offered',
      payload: { ...e.offer },
    }),
    audit: (e: BookingFact & { readonly offer: BookingOffer }): AuditRecord => ({
      subject: e.leadId,
      actor: e.actor,
      at: e.at,
      kind: 'decision',
      payload: { action: 'booking.offered', ...e.offer },
    }),
    outbox: { absent: 'a redirect of the prospect changes nothing about the lead; lead.assigned already announced the owner' },
  },
};
