import type { PersonRole } from '../../domain/access/roles.ts';
import type { NotificationChannel } from '../../store/ports/notifications.port.ts';

/** Events that notify someone; the others (reassignments, reviews …) are not wired to notifications yet. */
export const NOTIFIED_EVENTS = ['lead.assigned', 'lead.refused', 'lead.held'] as const;
type NotifiedEvent = (typeof NOTIFIED_EVENTS)[number];

/** Who is notified of an event: the assigned rep, or every active holder of some roles. */
type Audience = { readonly kind: 'assigned-rep' } | { readonly kind: 'role-holders'; readonly roles: readonly PersonRole[] };

/** Which switch of EmailPreferences silences each event. */
const PREFERENCE: Record<NotifiedEvent, keyof EmailPreferences> = {
  'lead.assigned': 'assignment',
  'lead.refused': 'refusal',
  'lead.held': 'hold',
};

const AUDIENCES: Record<NotifiedEvent, Audience> = {
  'lead.assigned': { kind: 'assigned-rep' },
  // A refusal or hold waits on a compliance review; ops watch the flow.
  'lead.refused': { kind: 'role-holders', roles: ['compliance', 'ops'] },
  'lead.held': { kind: 'role-holders', roles: ['compliance', 'ops'] },
};

/** The per-person switches of PUT /v1/me/notifications; a missing one is on. */
export interface EmailPreferences {
  readonly assignment?: boolean;
  readonly refusal?: boolean;
  readonly hold?: boolean;
}

export interface NotifiedPerson {
  readonly email: string | null;
  readonly emailPreferences?: EmailPreferences;
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
  const wants = (p: NotifiedPerson) => p.emailPreferences?.[PREFERENCE[eventType]] !== false;
  const emails: string[] = [];
  if (audience.kind === 'assigned-rep') {
    const repId = data.repId;
    if (!repId) return [];
    const person = dir.people.find((p) => p.active && p.repId === repId);
    // A rep who opted out is not reached at the config e-mail either.
    if (person && !wants(person)) return [];
    const email = deliverable(person?.email) ? person.email : dir.repEmail(repId);
    if (deliverable(email)) emails.push(email);
  } else {
    for (const p of dir.people)
      if (p.active && deliverable(p.email) && wants(p) && p.roles.some((r) => audience.roles.includes(r))) emails.push(p.email);
  }
  return [...new Set(emails.map((e) => e.toLowerCase()))].sort().map((recipient) => ({ channel: 'email', recipient }));
}
