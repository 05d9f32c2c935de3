import type { PersonRole } from '../../domain/access/roles.ts';
import type { NotificationChannel } from '../../store/ports/notifications.port.ts';

/** Events that notify someone; the others (reassignments, reviews …) are not wired to notifications yet. */
export const NOTIFIED_EVENTS = ['lead.assigned', 'lead.refused', 'lead.held'] as const;
type NotifiedEvent = (typeof NOTIFIED_EVENTS)[number];

/** Who is notified of an event: the assigned rep, or every active holder of some roles. */
type Audience = { readonly kind: 'assigned-rep' } | { readonly kind: 'role-holders'; readonly roles: readonly PersonRole[] };

const AUDIENCES: Record<NotifiedEvent, Audience> = {
  'lead.assigned': { kind: 'assigned-rep' },
  // A refusal or hold waits on a compliance review; ops watch the flow.
  'lead.refused': { kind: 'role-holders', roles: ['compliance', 'ops'] },
  'lead.held': { kind: 'role-holders', roles: ['compliance', 'ops'] },
};

export interface NotifiedPerson {
  readonly email: string | null;
  readonly active: boolean;
  readonly roles: readonly PersonRole[];
  readonly repId: string | null;
}

/** What recipient resolution reads: the people, and the rep's e-mail from the org config as a fallback. */
export interface RecipientDirectory {
  readonly people: readonly NotifiedPerson[];
  readonly repEmail: (repId: string) => string | undefined;
}

export interface PlannedRecipient {
  readonly channel: NotificationChannel;
  readonly recipient: string;
}

/**
 * A person created with only an API key gets a placeholder address under the reserved `.invalid` domain (RFC 2606):
 * it can never be delivered, so it counts as no address (the rep then falls back to their config e-mail).
 */
const deliverable = (email: string | null | undefined): email is string => !!email && !email.toLowerCase().endsWith('.invalid');

const isNotified = (type: string): type is NotifiedEvent => (NOTIFIED_EVENTS as readonly string[]).includes(type);

/**
 * Event → recipients → channel. Pure: the same event and directory give the same list, each address once.
 * The assigned rep is reached at their person's e-mail (a user linked to the rep), else the rep's config e-mail.
 */
export function recipientsFor(eventType: string, data: { readonly repId?: string | null }, dir: RecipientDirectory): PlannedRecipient[] {
  if (!isNotified(eventType)) return [];
  const audience = AUDIENCES[eventType];
  const emails: string[] = [];
  if (audience.kind === 'assigned-rep') {
    const repId = data.repId;
    if (!repId) return [];
    const person = dir.people.find((p) => p.active && p.repId === repId && deliverable(p.email));
    const email = person?.email ?? dir.repEmail(repId);
    if (deliverable(email)) emails.push(email);
  } else {
    for (const p of dir.people)
      if (p.active && deliverable(p.email) && p.roles.some((r) => audience.roles.includes(r))) emails.push(p.email);
  }
  return [...new Set(emails.map((e) => e.toLowerCase()))].sort().map((recipient) => ({ channel: 'email', recipient }));
}
