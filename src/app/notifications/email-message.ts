// The e-mail rendering of a notification (docs/notifications.md): subject, plain-text part and HTML part from the
// event's templates (notification-templates.ts). Data minimisation: the built-in templates name the lead by its id,
// link to it in the console and give the reason codes; never the prospect's name, e-mail or phone.
import type { EventTemplates } from '../../domain/org/notifications-policy.schema.ts';
import { messageView, type MessageView } from './message-view.ts';
import { plain, renderPart, templatesFor } from './notification-templates.ts';

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every interpolated value goes through this in the HTML part: a lead id or reason cannot inject markup. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Subject lines are single lines: a value with a line break cannot add a header. */
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ');

/** The HTML part: the text template rendered with HTML escaping, paragraph by paragraph, and a link to the lead. */
export function emailContent(templates: Required<EventTemplates>, view: MessageView): EmailContent {
  const paragraphs = renderPart(templates, 'text', view, escapeHtml)
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`);
  return {
    subject: oneLine(renderPart(templates, 'subject', view, plain)),
    text: renderPart(templates, 'text', view, plain),
    html: [
      ...paragraphs,
      `<p><a href="${escapeHtml(view.lead.link)}">Open ${view.lead.id !== '' ? 'the lead ' : ''}in the console</a></p>`,
    ].join('\n'),
  };
}

/** Renders the e-mail for an outbox event with the built-in templates; undefined for an event type without one. */
export function renderEmail(eventType: string, payloadJson: string, consoleUrl: string): EmailContent | undefined {
  const templates = templatesFor(eventType, undefined);
  return templates && emailContent(templates, messageView(eventType, payloadJson, consoleUrl));
}
