import type { PersonRole } from '../../domain/access/roles.ts';
import type { NotificationChannel } from '../../store/ports/notifications.port.ts';

/**
 * Who is told of an event (docs/notifications.md "What is built"): a union of audience parts, each resolving itself
 * against the event's data and the directory (people, reps, teams). An event's audience is a list of parts.
 */
type Audience =
  /** The rep named by a data field (repId, ownerRep …): their person's e-mail, else the rep's config e-mail. */
  | { readonly kind: 'rep'; readonly field: string }
  /** The `leadEmails` of the team of the rep(s) named by a data field (a string or a list of rep ids). */
  | { readonly kind: 'team-lead'; readonly field: string }
  /** The `managerEmail` of the rep named by a data field. */
  | { readonly kind: 'manager'; readonly field: string }
  /** Every active holder of some roles. */
  | { readonly kind: 'role-holders'; readonly roles: readonly PersonRole[] }
  /** The SLA section's `escalateTo`, carried by the event: a role's holders, or an e-mail address as is. */
  | { readonly kind: 'named'; readonly field: string };

/** The per-person switches of PUT /v1/me/notifications; a missing one is on. */
export interface EmailPreferences {
  readonly assignment?: boolean;
  readonly refusal?: boolean;
  readonly hold?: boolean;
  readonly sla?: boolean;
  readonly escalation?: boolean;
  readonly duplicate?: boolean;
  readonly expiry?: boolean;
  readonly overload?: boolean;
  readonly lists?: boolean;
  readonly audit?: boolean;
}

interface EventAudience {
  /** Which switch of EmailPreferences silences the event. */
  readonly preference: keyof EmailPreferences;
  readonly audience: readonly Audience[];
}

const ops = (...roles: PersonRole[]): Audience => ({ kind: 'role-holders', roles });

const AUDIENCES = {
  'lead.assigned': { preference: 'assignment', audience: [{ kind: 'rep', field: 'repId' }] },
  // A refusal or hold waits on a compliance review; ops watch the flow.
  'lead.refused': { preference: 'refusal', audience: [ops('compliance', 'ops')] },
  'lead.held': { preference: 'hold', audience: [ops('compliance', 'ops')] },
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
  'lead.sla_exhausted': { preference: 'escalation', audience: [ops('ops', 'compliance')] },
  // The rep who owns the original lead: the prospect came back.
  'lead.duplicate': { preference: 'duplicate', audience: [{ kind: 'rep', field: 'ownerRep' }] },
  // A firm grant has no repId: compliance alone.
  'licence.expiring': {
    preference: 'expiry',
    audience: [{ kind: 'rep', field: 'repId' }, { kind: 'manager', field: 'repId' }, ops('compliance')],
  },
  'roster.overloaded': { preference: 'overload', audience: [ops('ops')] },
  'screening.lists_stale': { preference: 'lists', audience: [ops('compliance')] },
  'audit.verify_failed': { preference: 'audit', audience: [ops('admin')] },
} as const satisfies Record<string, EventAudience>;

/** Events that notify someone; the others (reassignments, reviews …) are not wired to notifications. */
export const NOTIFIED_EVENTS = Object.keys(AUDIENCES) as readonly (keyof typeof AUDIENCES)[];
type NotifiedEvent = keyof typeof AUDIENCES;

export interface NotifiedPerson {
  readonly email: string | null;
  readonly emailPreferences?: EmailPreferences;
  readonly active: boolean;
  readonly roles: readonly PersonRole[];
  readonly repId: string | null;
}

/** What recipient resolution reads: the people, and from the org config the reps' and teams' addresses. */
export interface RecipientDirectory {
  readonly people: readonly NotifiedPerson[];
  readonly repEmail: (repId: string) => string | undefined;
  /** The `leadEmails` of the rep's team (none when unknown). */
  readonly teamLeadEmails?: (repId: string) => readonly string[];
  readonly managerEmail?: (repId: string) => string | undefined;
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

const isNotified = (type: string): type is NotifiedEvent => Object.hasOwn(AUDIENCES, type);

type Wants = (p: NotifiedPerson) => boolean;
type EventData = Readonly<Record<string, unknown>>;

const ids = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');

/**
 * A configured address (team lead, manager, escalateTo): the person with that e-mail, if any, with their
 * preferences (an inactive or opted-out person is not reached); else the address as is.
 */
function byAddress(address: string | undefined, dir: RecipientDirectory, wants: Wants): string[] {
  if (!deliverable(address)) return [];
  const person = dir.people.find((p) => p.email?.toLowerCase() === address.toLowerCase());
  return person && (!person.active || !wants(person)) ? [] : [address];
}

const RESOLVE: {
  readonly [K in Audience['kind']]: (a: Extract<Audience, { kind: K }>, data: EventData, dir: RecipientDirectory, wants: Wants) => string[];
} = {
  rep: (a, data, dir, wants) =>
    ids(data[a.field]).flatMap((repId) => {
      const person = dir.people.find((p) => p.active && p.repId === repId);
      // A rep who opted out is not reached at the config e-mail either.
      if (person && !wants(person)) return [];
      const email = deliverable(person?.email) ? person.email : dir.repEmail(repId);
      return deliverable(email) ? [email] : [];
    }),
  'team-lead': (a, data, dir, wants) =>
    ids(data[a.field]).flatMap((repId) => (dir.teamLeadEmails?.(repId) ?? []).flatMap((e) => byAddress(e, dir, wants))),
  manager: (a, data, dir, wants) => ids(data[a.field]).flatMap((repId) => byAddress(dir.managerEmail?.(repId), dir, wants)),
  'role-holders': (a, _data, dir, wants) =>
    dir.people.filter((p) => p.active && deliverable(p.email) && wants(p) && p.roles.some((r) => a.roles.includes(r))).map((p) => p.email!),
  named: (a, data, dir, wants) =>
    ids(data[a.field]).flatMap((name) =>
      name.includes('@')
        ? byAddress(name, dir, wants)
        : RESOLVE['role-holders']({ kind: 'role-holders', roles: [name as PersonRole] }, data, dir, wants),
    ),
};

const resolve = (a: Audience, data: EventData, dir: RecipientDirectory, wants: Wants): string[] =>
  (RESOLVE[a.kind] as (a: Audience, data: EventData, dir: RecipientDirectory, wants: Wants) => string[])(a, data, dir, wants);

/** Event → recipients → channel. Pure: the same event and directory give the same list, each address once. */
export function recipientsFor(eventType: string, data: unknown, dir: RecipientDirectory): PlannedRecipient[] {
  if (!isNotified(eventType)) return [];
  const { preference, audience } = AUDIENCES[eventType] as EventAudience;
  const wants: Wants = (p) => p.emailPreferences?.[preference] !== false;
  const fields = (typeof data === 'object' && data !== null ? data : {}) as EventData;
  const emails = audience.flatMap((a) => resolve(a, fields, dir, wants));
  return [...new Set(emails.map((e) => e.toLowerCase()))].sort().map((recipient) => ({ channel: 'email', recipient }));
}
