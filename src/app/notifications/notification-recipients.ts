import type { PersonRole } from '../../domain/access/roles.ts';
import { NOTIFIED_EVENTS, type ChatRoute, type NotifiedEvent } from '../../domain/org/notifications-policy.schema.ts';
import type { NotificationChannel } from '../../store/ports/notifications.port.ts';
import type { ChannelPreferences, EventSwitch } from './notification-preferences-schema.ts';

/**
 * Who is told of an event (docs/notifications.md "What is built"): a union of audience parts, each resolving itself
 * against the event's data and the directory (people, reps, teams) to people and bare addresses. An event's audience
 * is a list of parts; each person found is then reached on every channel they keep on for the event.
 */
type Audience =
  /** The rep named by a data field (repId, ownerRep …): their person on every channel, else the rep's config e-mail. */
  | { readonly kind: 'rep'; readonly field: string }
  /** The `leadEmails` of the team of the rep(s) named by a data field (a string or a list of rep ids). */
  | { readonly kind: 'team-lead'; readonly field: string }
  /** The `managerEmail` of the rep named by a data field. */
  | { readonly kind: 'manager'; readonly field: string }
  /** Every active holder of some roles. */
  | { readonly kind: 'role-holders'; readonly roles: readonly PersonRole[] }
  /** The SLA section's `escalateTo`, carried by the event: a role's holders, or an e-mail address. */
  | { readonly kind: 'named'; readonly field: string };

interface EventAudience {
  /** Which per-event switch of a person's channel preferences silences the event. */
  readonly preference: EventSwitch;
  readonly audience: readonly Audience[];
}

const holders = (...roles: PersonRole[]): Audience => ({ kind: 'role-holders', roles });

const AUDIENCES: Record<NotifiedEvent, EventAudience> = {
  'lead.assigned': { preference: 'assignment', audience: [{ kind: 'rep', field: 'repId' }] },
  // A re-route (SLA ladder, bulk or manual) is a new assignment for the rep who gets the lead: without it they would
  // first hear of it from the SLA warning. The rep who lost it already heard the breach (or moved it themselves).
  'lead.reassigned': { preference: 'assignment', audience: [{ kind: 'rep', field: 'toRep' }] },
  // A refusal or hold waits on a compliance review; ops watch the flow.
  'lead.refused': { preference: 'refusal', audience: [holders('compliance', 'ops')] },
  'lead.held': { preference: 'hold', audience: [holders('compliance', 'ops')] },
  // The rep can still act before the deadline; the team lead can nudge or step in.
  'lead.sla_warning': {
    preference: 'sla',
    audience: [
      { kind: 'rep', field: 'repId' },
      { kind: 'team-lead', field: 'repId' },
    ],
  },
  'lead.sla_breached': {
    preference: 'sla',
    audience: [
      { kind: 'rep', field: 'repId' },
      { kind: 'team-lead', field: 'repId' },
    ],
  },
  // The leads of every team whose rep missed, and whoever the SLA section names (default ops).
  'lead.escalated': {
    preference: 'escalation',
    audience: [
      { kind: 'team-lead', field: 'missedBy' },
      { kind: 'named', field: 'escalateTo' },
    ],
  },
  'lead.sla_exhausted': { preference: 'escalation', audience: [holders('ops', 'compliance')] },
  // The rep who owns the original lead: the prospect came back.
  'lead.duplicate': { preference: 'duplicate', audience: [{ kind: 'rep', field: 'ownerRep' }] },
  // A firm grant has no repId: compliance alone.
  'licence.expiring': {
    preference: 'expiry',
    audience: [{ kind: 'rep', field: 'repId' }, { kind: 'manager', field: 'repId' }, holders('compliance')],
  },
  'roster.overloaded': { preference: 'overload', audience: [holders('ops')] },
  'screening.lists_stale': { preference: 'lists', audience: [holders('compliance')] },
  'audit.verify_failed': { preference: 'audit', audience: [holders('admin')] },
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

/** What recipient resolution reads: the people, the reps' and teams' addresses from the org config, the chat routes. */
export interface RecipientDirectory {
  readonly people: readonly NotifiedPerson[];
  readonly repEmail: (repId: string) => string | undefined;
  /** The `leadEmails` of the rep's team (none when unknown). */
  readonly teamLeadEmails?: (repId: string) => readonly string[];
  readonly managerEmail?: (repId: string) => string | undefined;
  readonly chatRoutes?: readonly ChatRoute[];
}

export interface PlannedRecipient {
  readonly channel: NotificationChannel;
  readonly recipient: string;
  /** The person reached (their quiet hours and digest apply); absent for a shared chat route or a bare address. */
  readonly personId?: string;
}

/** The event's fields recipient resolution reads (repId, ownerRep, missedBy, escalateTo …) and the lead's team. */
export type EventFacts = Readonly<Record<string, unknown>> & { readonly teamId?: string | null };

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

const wants = (switches: EmailPreferences | undefined, preference: EventSwitch) =>
  switches?.enabled !== false && switches?.[preference] !== false;

/** One person's rows: every channel that reaches them and that they did not turn off for this event. */
function personalRows(p: NotifiedPerson, preference: EventSwitch): PlannedRecipient[] {
  return PERSONAL_CHANNELS.flatMap((c) => {
    const address = c.address(p);
    if (address === undefined || !wants(c.switches(p), preference)) return [];
    return [{ channel: c.kind, recipient: address, ...(p.userId !== undefined ? { personId: p.userId } : {}) }];
  });
}

const emailRow = (address: string, person?: NotifiedPerson): PlannedRecipient => ({
  channel: 'email',
  recipient: address.toLowerCase(),
  ...(person?.userId !== undefined ? { personId: person.userId } : {}),
});

const ids = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');

/**
 * A configured address (team lead, manager, escalateTo): the person with that e-mail, if any, on their channels (an
 * inactive person is not reached); else an e-mail to the address as is.
 */
function byAddress(address: string | undefined, dir: RecipientDirectory, preference: EventSwitch): PlannedRecipient[] {
  if (!deliverable(address)) return [];
  const person = dir.people.find((p) => p.email?.toLowerCase() === address.toLowerCase());
  if (!person) return [emailRow(address)];
  return person.active ? personalRows(person, preference) : [];
}

type Resolver<A extends Audience> = (a: A, data: EventFacts, dir: RecipientDirectory, preference: EventSwitch) => PlannedRecipient[];

const RESOLVE: { readonly [K in Audience['kind']]: Resolver<Extract<Audience, { kind: K }>> } = {
  rep: (a, data, dir, preference) =>
    ids(data[a.field]).flatMap((repId) => {
      const person = dir.people.find((p) => p.active && p.repId === repId);
      const rows = person ? personalRows(person, preference) : [];
      // The rep's config e-mail stands in for a person without a deliverable one; a rep who opted out is not reached there either.
      const configEmail = dir.repEmail(repId);
      const emailWanted = !person || wants(person.emailPreferences, preference);
      if (!rows.some((r) => r.channel === 'email') && emailWanted && deliverable(configEmail)) rows.push(emailRow(configEmail, person));
      return rows;
    }),
  'team-lead': (a, data, dir, preference) =>
    ids(data[a.field]).flatMap((repId) => (dir.teamLeadEmails?.(repId) ?? []).flatMap((e) => byAddress(e, dir, preference))),
  manager: (a, data, dir, preference) => ids(data[a.field]).flatMap((repId) => byAddress(dir.managerEmail?.(repId), dir, preference)),
  'role-holders': (a, _data, dir, preference) =>
    dir.people.filter((p) => p.active && p.roles.some((r) => a.roles.includes(r))).flatMap((p) => personalRows(p, preference)),
  named: (a, data, dir, preference) =>
    ids(data[a.field]).flatMap((name) =>
      name.includes('@')
        ? byAddress(name, dir, preference)
        : RESOLVE['role-holders']({ kind: 'role-holders', roles: [name as PersonRole] }, data, dir, preference),
    ),
};

const resolve = (a: Audience, data: EventFacts, dir: RecipientDirectory, preference: EventSwitch): PlannedRecipient[] =>
  (RESOLVE[a.kind] as Resolver<Audience>)(a, data, dir, preference);

/** Org chat routes listening to the event, for the lead's team (or every team). */
const routeRows = (routes: readonly ChatRoute[], event: NotifiedEvent, teamId: string | null | undefined): PlannedRecipient[] =>
  routes
    .filter((r) => r.events.includes(event) && (r.teams === undefined || (!!teamId && r.teams.includes(teamId))))
    .map((r) => ({ channel: r.kind, recipient: `route:${r.id}` }));

/** Whether an event notifies anyone at all (most outbox events do not: the planner reads nothing for them). */
export const notifiesAnyone = (eventType: string): boolean => isNotified(eventType);

/**
 * Event → recipients → channels. Pure: the same event and directory give the same list, each (channel, address)
 * once, sorted. Org chat routes come first, then the audience's people on every channel they keep on.
 */
export function recipientsFor(eventType: string, data: EventFacts, dir: RecipientDirectory): PlannedRecipient[] {
  if (!isNotified(eventType)) return [];
  const { preference, audience } = AUDIENCES[eventType];
  const rows = [...routeRows(dir.chatRoutes ?? [], eventType, data.teamId), ...audience.flatMap((a) => resolve(a, data, dir, preference))];
  const unique = new Map(rows.map((r) => [`${r.channel}\u0000${r.recipient}`, r]));
  return [...unique.values()].sort((a, b) => a.channel.localeCompare(b.channel) || a.recipient.localeCompare(b.recipient));
}
