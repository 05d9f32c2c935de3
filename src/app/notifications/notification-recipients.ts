import type { PersonRole } from '../../domain/access/roles.ts';
import { NOTIFIED_EVENTS, type ChatRoute, type NotifiedEvent } from '../../domain/org/notifications-policy.schema.ts';
import type { NotificationChannel } from '../../store/ports/notifications.port.ts';
import type { ChannelPreferences, EventSwitch } from './notification-preferences-schema.ts';

/** Who is notified of an event: the assigned rep, or every active holder of some roles. */
type Audience = { readonly kind: 'assigned-rep' } | { readonly kind: 'role-holders'; readonly roles: readonly PersonRole[] };

/** Which per-event switch of a person's channel preferences silences each event. */
const PREFERENCE: Record<NotifiedEvent, EventSwitch> = {
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

/** The per-person e-mail switches of PUT /v1/me/notifications; a missing one is on. */
export type EmailPreferences = Partial<Record<EventSwitch | 'enabled', boolean>>;

export interface NotifiedPerson {
  /** The person's account; without one there is no inbox and no personal chat webhook. */
  readonly userId?: string;
  readonly email: string | null;
  readonly emailPreferences?: EmailPreferences;
  /** Their inbox, Slack and Teams preferences (PUT /v1/me/notifications). */
  readonly channelPreferences?: Partial<Record<'inbox' | 'slack' | 'teams', ChannelPreferences>>;
  readonly active: boolean;
  readonly roles: readonly PersonRole[];
  readonly repId: string | null;
}

/** What recipient resolution reads: the people, the rep's e-mail from the org config as a fallback, the chat routes. */
export interface RecipientDirectory {
  readonly people: readonly NotifiedPerson[];
  readonly repEmail: (repId: string) => string | undefined;
  readonly chatRoutes?: readonly ChatRoute[];
}

export interface PlannedRecipient {
  readonly channel: NotificationChannel;
  readonly recipient: string;
  /** The person reached (their quiet hours and digest apply); absent for a shared chat route or a rep without an account. */
  readonly personId?: string;
}

/** The event's facts recipient resolution uses: the assigned rep and the lead's team (for chat routes). */
export interface EventFacts {
  readonly repId?: string | null;
  readonly teamId?: string | null;
}

/**
 * A person created with only an API key gets a placeholder address under the reserved `.invalid` domain (RFC 2606):
 * it can never be delivered, so it counts as no address (the rep then falls back to their config e-mail).
 */
const deliverable = (email: string | null | undefined): email is string => !!email && !email.toLowerCase().endsWith('.invalid');

/**
 * How each channel reaches a person: their switches (a channel turned off, or the event switched off, reaches no
 * one) and their address on it. E-mail and the inbox are on by default; Slack and Teams once the person set a URL.
 */
const PERSONAL_CHANNELS: readonly {
  readonly kind: NotificationChannel;
  readonly switches: (p: NotifiedPerson) => EmailPreferences | undefined;
  readonly address: (p: NotifiedPerson) => string | undefined;
}[] = [
  { kind: 'email', switches: (p) => p.emailPreferences, address: (p) => (deliverable(p.email) ? p.email.toLowerCase() : undefined) },
  { kind: 'inbox', switches: (p) => p.channelPreferences?.inbox, address: (p) => p.userId },
  {
    kind: 'slack',
    switches: (p) => p.channelPreferences?.slack,
    address: (p) => (p.userId && p.channelPreferences?.slack?.webhookUrl ? `user:${p.userId}` : undefined),
  },
  {
    kind: 'teams',
    switches: (p) => p.channelPreferences?.teams,
    address: (p) => (p.userId && p.channelPreferences?.teams?.webhookUrl ? `user:${p.userId}` : undefined),
  },
];

const isNotified = (type: string): type is NotifiedEvent => (NOTIFIED_EVENTS as readonly string[]).includes(type);

const wants = (switches: EmailPreferences | undefined, event: NotifiedEvent) =>
  switches?.enabled !== false && switches?.[PREFERENCE[event]] !== false;

/** One person's rows: every channel that reaches them and that they did not turn off for this event. */
function personalRows(p: NotifiedPerson, event: NotifiedEvent): PlannedRecipient[] {
  return PERSONAL_CHANNELS.flatMap((c) => {
    const address = c.address(p);
    if (address === undefined || !wants(c.switches(p), event)) return [];
    return [{ channel: c.kind, recipient: address, ...(p.userId !== undefined ? { personId: p.userId } : {}) }];
  });
}

/** Org chat routes listening to the event, for the lead's team (or every team). */
const routeRows = (routes: readonly ChatRoute[], event: NotifiedEvent, teamId: string | null | undefined): PlannedRecipient[] =>
  routes
    .filter((r) => r.events.includes(event) && (r.teams === undefined || (!!teamId && r.teams.includes(teamId))))
    .map((r) => ({ channel: r.kind, recipient: `route:${r.id}` }));

/**
 * Event → recipients → channels. Pure: the same event and directory give the same list, each (channel, address)
 * once, sorted. The assigned rep is reached on every channel of their person (a user linked to the rep); by e-mail
 * at the person's address, else the rep's config e-mail (unless they opted out).
 */
export function recipientsFor(eventType: string, data: EventFacts, dir: RecipientDirectory): PlannedRecipient[] {
  if (!isNotified(eventType)) return [];
  const audience = AUDIENCES[eventType];
  const rows: PlannedRecipient[] = routeRows(dir.chatRoutes ?? [], eventType, data.teamId);
  if (audience.kind === 'assigned-rep') {
    const repId = data.repId;
    if (!repId) return [];
    const person = dir.people.find((p) => p.active && p.repId === repId);
    if (person) rows.push(...personalRows(person, eventType));
    const configEmail = dir.repEmail(repId);
    // A rep who opted out is not reached at the config e-mail either.
    const emailWanted = !person || wants(person.emailPreferences, eventType);
    if (!rows.some((r) => r.channel === 'email') && emailWanted && deliverable(configEmail))
      rows.push({
        channel: 'email',
        recipient: configEmail.toLowerCase(),
        ...(person?.userId !== undefined ? { personId: person.userId } : {}),
      });
  } else {
    for (const p of dir.people) if (p.active && p.roles.some((r) => audience.roles.includes(r))) rows.push(...personalRows(p, eventType));
  }
  const unique = new Map(rows.map((r) => [`${r.channel}\u0000${r.recipient}`, r]));
  return [...unique.values()].sort((a, b) => a.channel.localeCompare(b.channel) || a.recipient.localeCompare(b.recipient));
}
