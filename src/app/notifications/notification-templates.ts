import Mustache from 'mustache';
import type { EventTemplates, NotificationsPolicy, NotifiedEvent, TemplatePart } from '../../domain/org/notifications-policy.schema.ts';
import { NOTIFIED_EVENTS } from '../../domain/org/notifications-policy.schema.ts';

const isNotified = (type: string): type is NotifiedEvent => (NOTIFIED_EVENTS as readonly string[]).includes(type);

/**
 * The built-in templates of every notified event for every channel, in one place (docs/notifications.md
 * "Templates"); `notifications.templates` in the org config overrides them part by part. The defaults name the lead
 * by id, give the reasons and the console link, never the prospect's details.
 */
/**
 * Each event's built-in wording. `facts` are event data fields shown as lines (`{{#facts}}`) instead of the reason
 * codes, for events about something other than a decision; `page` is the console page linked when the event names no
 * lead (messageView). Subjects may use `{{data.<field>}}`, every field of the event's data as text.
 */
interface BuiltIn {
  readonly subject: string;
  readonly intro: string;
  readonly facts?: readonly string[];
  readonly page?: string;
}

const BUILT_IN: Record<NotifiedEvent, BuiltIn> = {
  'lead.assigned': { subject: 'New lead assigned to you: {{lead.id}}', intro: 'A new lead has been assigned to you.' },
  'lead.reassigned': {
    subject: 'Lead reassigned to you: {{lead.id}}',
    intro: 'A lead has been reassigned to you from another rep.',
    facts: ['fromRep'],
  },
  'lead.refused': { subject: 'Lead refused, review needed: {{lead.id}}', intro: 'A lead was refused and awaits a compliance review.' },
  'lead.held': { subject: 'Lead held, review needed: {{lead.id}}', intro: 'A lead was held and awaits a compliance review.' },
  'lead.sla_warning': {
    subject: 'SLA deadline in {{data.minutesLeft}} min: {{lead.id}}',
    intro: 'A lead is close to its SLA deadline and has not been worked yet.',
    facts: ['repId', 'deadline', 'dueAt', 'minutesLeft'],
  },
  'lead.sla_breached': {
    subject: 'SLA missed: {{lead.id}}',
    intro: 'A lead missed its SLA deadline; the escalation ladder takes its next step.',
    facts: ['repId', 'missed', 'reasonCode', 'dueAt', 'attempt'],
  },
  'lead.escalated': {
    subject: 'Lead escalated: {{lead.id}}',
    intro: 'A lead missed its SLA again and was escalated.',
    facts: ['missed', 'attempt', 'missedBy', 'currentRep', 'reviewId'],
  },
  'lead.sla_exhausted': {
    subject: 'SLA ladder exhausted, lead parked for review: {{lead.id}}',
    intro: 'A lead missed every SLA step and waits in the review queue.',
    facts: ['missed', 'attempt', 'missedBy', 'currentRep', 'reviewId'],
  },
  'lead.duplicate': {
    subject: 'Your lead came in again: {{data.duplicateOf}}',
    intro: 'A new lead matched a lead you own.',
    facts: ['duplicateOf', 'matchedOn'],
  },
  'licence.expiring': {
    subject: '{{data.subject}} {{data.grantId}} expires in {{data.daysLeft}} days',
    intro: 'A licence grant or carrier appointment expires soon; renew it or routing stops using it.',
    facts: ['subject', 'grantId', 'holder', 'repId', 'jurisdiction', 'validTo', 'daysLeft'],
    page: '/licences',
  },
  'roster.overloaded': {
    subject: 'Overloaded: {{data.scope}} {{data.id}}',
    intro: "A rep or team crossed the roster's overload threshold.",
    facts: ['scope', 'id', 'code', 'leads', 'total', 'share', 'threshold'],
    page: '/roster',
  },
  'screening.lists_stale': {
    subject: 'Screening list {{data.list}}: {{data.condition}}',
    intro: 'A configured screening list is not loaded or older than its allowed age.',
    facts: ['list', 'condition', 'version', 'loadedAt', 'ageDays', 'maxAgeDays'],
    page: '/dashboards',
  },
  'audit.verify_failed': {
    subject: 'Audit chain verification failed at sequence {{data.firstBrokenSeq}}',
    intro: 'The audit hash chain did not verify: a record was altered or removed.',
    facts: ['firstBrokenSeq', 'reason', 'checked'],
    page: '/dashboards',
  },
};

/** The event data fields a built-in message lists, and the console page it links when it names no lead. */
export const factFieldsOf = (eventType: string): readonly string[] => (isNotified(eventType) ? (BUILT_IN[eventType].facts ?? []) : []);
export const pageOf = (eventType: string): string | undefined => (isNotified(eventType) ? BUILT_IN[eventType].page : undefined);

// Lines the body shows: the lead (when there is one), then the facts, or the reason codes for a decision.
const leadLine = (label: string) => `{{#lead.id}}${label}{{/lead.id}}`;
const body = (b: BuiltIn, line: (name: string, value: string) => string, sep: string) =>
  b.facts
    ? `${leadLine(line('Lead', '{{lead.id}}') + sep)}{{#facts}}${line('{{name}}', '{{value}}')}${sep}{{/facts}}`
    : `${line('Lead', '{{lead.id}}')}${sep}${line('Reasons', '{{reasons}}')}${sep}`;

const defaults = (event: NotifiedEvent): Required<EventTemplates> => {
  const b = BUILT_IN[event];
  return {
    subject: b.subject,
    text: `${b.intro}\n\n${body(b, (k, v) => `${k}: ${v}`, '\n')}Open in the console: {{lead.link}}\n`,
    slack: `${b.intro}\n${body(b, (k, v) => `*${k}:* ${v}`, '\n')}`.trimEnd(),
    teams: `${b.intro}\n\n${body(b, (k, v) => `${k}: ${v}`, '\n\n')}`.trimEnd(),
  };
};

/** The templates in force for an event (config over built-in, per part); undefined for an event that notifies no one. */
export function templatesFor(eventType: string, policy: NotificationsPolicy | undefined): Required<EventTemplates> | undefined {
  if (!isNotified(eventType)) return undefined;
  return { ...defaults(eventType), ...policy?.templates?.[eventType] };
}

/** A channel's escaper: applied to every `{{value}}` (HTML for e-mail HTML, mrkdwn for Slack, none for plain text). */
export type Escaper = (value: string) => string;
export const plain: Escaper = (value) => value;

/** Renders one part with the channel's escaper; config templates were parsed at load, so this does not throw on syntax. */
export const renderPart = (templates: Required<EventTemplates>, part: TemplatePart, view: object, escape: Escaper): string =>
  Mustache.render(templates[part], view, {}, { escape });
