import Mustache from 'mustache';
import type { EventTemplates, NotificationsPolicy, NotifiedEvent, TemplatePart } from '../../domain/org/notifications-policy.schema.ts';
import { NOTIFIED_EVENTS } from '../../domain/org/notifications-policy.schema.ts';

/**
 * The built-in templates of every notified event for every channel, in one place (docs/notifications.md
 * "Templates"); `notifications.templates` in the org config overrides them part by part. The defaults name the lead
 * by id, give the reasons and the console link, never the prospect's details.
 */
const intro: Record<NotifiedEvent, { readonly subject: string; readonly intro: string }> = {
  'lead.assigned': { subject: 'New lead assigned to you: {{lead.id}}', intro: 'A new lead has been assigned to you.' },
  'lead.refused': { subject: 'Lead refused, review needed: {{lead.id}}', intro: 'A lead was refused and awaits a compliance review.' },
  'lead.held': { subject: 'Lead held, review needed: {{lead.id}}', intro: 'A lead was held and awaits a compliance review.' },
};

const defaults = (event: NotifiedEvent): Required<EventTemplates> => ({
  subject: intro[event].subject,
  text: `${intro[event].intro}\n\nLead: {{lead.id}}\nReasons: {{reasons}}\nOpen in the console: {{lead.link}}\n`,
  slack: `${intro[event].intro}\n*Lead:* {{lead.id}}\n*Reasons:* {{reasons}}`,
  teams: `${intro[event].intro}\n\nLead: {{lead.id}}. Reasons: {{reasons}}.`,
});

const isNotified = (type: string): type is NotifiedEvent => (NOTIFIED_EVENTS as readonly string[]).includes(type);

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
