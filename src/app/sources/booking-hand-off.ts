import type { Decision } from '../../domain/decision/decision.ts';
import type { FormSourceConfig } from '../../domain/org/sources.schema.ts';
import { consentAllowsPrefill, fillBookingUrl } from '../../domain/org/booking-link.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import type { ServiceContext } from '../shared/service-context.ts';

interface StoredContact {
  readonly fullName?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
}

/**
 * Where a form prospect goes next (docs/sources.md "Booking hand-off"): the assigned rep's booking page, or null for
 * the form's neutral page. Only an ASSIGNED decision hands off — its rep passed the licence and eligibility checks
 * at decision time — and only to a rep still active in the current config. The offer is recorded (history and audit,
 * the template without personal data) in its own transaction before the URL is given out: no unrecorded hand-off.
 */
export async function bookingHandOff(
  ctx: ServiceContext,
  form: FormSourceConfig,
  actor: string,
  decision: Decision | null,
): Promise<string | null> {
  if (decision?.outcome !== 'ASSIGNED' || decision.rep === null) return null;
  const repId = decision.rep.id;
  const rep = ctx.orgs.current.config.reps.find((r) => r.id === repId);
  if (rep?.bookingUrl === undefined || rep.status !== 'active') return null;
  const template = rep.bookingUrl;
  const leadId = decision.leadId;
  return ctx.store.transaction(async (tx) => {
    const personal = await tx.personalData.get(leadId);
    const contact = personal && personal.erasedAt === null ? (JSON.parse(personal.contactJson) as StoredContact) : {};
    const consent = personal?.consentJson ? (JSON.parse(personal.consentJson) as { marketing: boolean; channels?: string[] }) : undefined;
    const prefill = personal !== undefined && personal.erasedAt === null && consentAllowsPrefill(consent);
    const offer = { repId, decisionId: decision.decisionId, formId: form.id, bookingUrlTemplate: template, prefilled: prefill };
    await recordLeadEvents(tx, ctx, [{ kind: 'booking.offered', leadId, actor, at: toIso(ctx.clock.now()), offer }]);
    return fillBookingUrl(template, { ...contact, leadId }, prefill);
  });
}
