import type { NotificationsPolicy } from '../../domain/org/notifications-policy.schema.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { factFieldsOf, pageOf } from './notification-templates.ts';

/** What every template sees (docs/notifications.md "Templates"): `{{lead.id}}`, `{{lead.link}}`, `{{reasons}}` … */
export interface MessageView {
  readonly event: string;
  readonly lead: {
    readonly id: string;
    readonly link: string;
    /** Empty unless `notifications.includePersonalData` is true and the lead is not erased (read at send time). */
    readonly name: string;
    readonly email: string;
    readonly phone: string;
    readonly company: string;
  };
  readonly reasons: string;
  readonly repId: string;
  readonly teamId: string;
  /** Every field of the event's data as text (`{{data.daysLeft}}`); lists joined with ", ". */
  readonly data: Readonly<Record<string, string>>;
  /** The fields the event's built-in message lists, with their values (`{{#facts}}{{name}}: {{value}}{{/facts}}`). */
  readonly facts: readonly { readonly name: string; readonly value: string }[];
}

export type PersonalFields = Pick<MessageView['lead'], 'name' | 'email' | 'phone' | 'company'>;
const NO_PERSONAL_DATA: PersonalFields = { name: '', email: '', phone: '', company: '' };

interface EventBody {
  readonly data?: Readonly<Record<string, unknown>> & {
    readonly leadId?: unknown;
    readonly repId?: unknown;
    readonly teamId?: unknown;
    readonly reasons?: readonly { readonly code?: unknown }[];
  };
}

const show = (value: unknown): string =>
  value === undefined || value === null
    ? ''
    : Array.isArray(value)
      ? value.map(show).join(', ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

/** The console address of a lead. */
export const leadLink = (consoleUrl: string, leadId: string): string =>
  `${consoleUrl.replace(/\/+$/, '')}/leads/${encodeURIComponent(leadId)}`;

/** The view of an outbox event body (the notification row stores none of the prospect's data; `personal` is read at send time). */
export function messageView(
  eventType: string,
  payloadJson: string,
  consoleUrl: string,
  personal: PersonalFields = NO_PERSONAL_DATA,
): MessageView {
  const fields = (JSON.parse(payloadJson) as EventBody).data ?? {};
  const leadId = show(fields.leadId);
  const reasons = (fields.reasons ?? []).map((r) => String(r.code ?? '')).filter((c) => c !== '');
  const data = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, show(v)]));
  const page = pageOf(eventType);
  return {
    event: eventType,
    // An event about no lead (an expiring licence, an overload …) links its console page instead.
    lead: {
      id: leadId,
      link: leadId === '' && page ? `${consoleUrl.replace(/\/+$/, '')}${page}` : leadLink(consoleUrl, leadId),
      ...personal,
    },
    reasons: reasons.length > 0 ? reasons.join(', ') : 'none recorded',
    repId: show(fields.repId),
    teamId: show(fields.teamId),
    data,
    facts: factFieldsOf(eventType).flatMap((name) => (data[name] ? [{ name, value: data[name] }] : [])),
  };
}

interface StoredContact {
  readonly fullName?: string;
  readonly email?: string;
  readonly phoneE164?: string;
  readonly company?: string | { readonly name?: string } | null;
}

/**
 * The prospect's details for a message, read from the personal-data store now (at send time), and only when the org
 * allows it: a lead erased before the message goes out shows none (erased stays erased).
 */
export async function personalFieldsAtSendTime(
  store: Pick<Store, 'personalData'>,
  policy: NotificationsPolicy | undefined,
  leadId: string,
): Promise<PersonalFields> {
  if (policy?.includePersonalData !== true || leadId === '') return NO_PERSONAL_DATA;
  const personal = await store.personalData.get(leadId);
  if (!personal || personal.erasedAt !== null) return NO_PERSONAL_DATA;
  const c = JSON.parse(personal.contactJson) as StoredContact;
  const company = typeof c.company === 'string' ? c.company : (c.company?.name ?? '');
  return { name: c.fullName ?? '', email: c.email ?? '', phone: c.phoneE164 ?? '', company };
}
