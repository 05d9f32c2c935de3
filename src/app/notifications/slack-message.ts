import type { EventTemplates } from '../../domain/org/notifications-policy.schema.ts';
import type { MessageView } from './message-view.ts';
import { plain, renderPart } from './notification-templates.ts';

/**
 * Slack mrkdwn control characters (api.slack.com/reference/surfaces/formatting#escaping): a value cannot open a
 * link, a mention (<!channel>) or an entity.
 */
export const escapeMrkdwn = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack refuses empty and over-long texts (invalid_blocks): a template that renders to nothing falls back, a long one is cut. */
const clip = (text: string, max: number, fallback: string) => {
  const t = text.trim() === '' ? fallback : text;
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
};

/**
 * A Slack incoming-webhook message in Block Kit: `text` (the notification fallback, mrkdwn), a header (plain text,
 * at most 150 characters), a section with the rendered template, a button to the lead and a context line. Built as
 * an object: templates render strings only, so no value or template can add JSON structure.
 */
export function slackMessage(templates: Required<EventTemplates>, view: MessageView): object {
  const fallback = `${view.event} ${escapeMrkdwn(view.lead.id)}`;
  const subject = clip(renderPart(templates, 'subject', view, plain), 150, `${view.event} ${view.lead.id}`);
  return {
    text: clip(renderPart(templates, 'subject', view, escapeMrkdwn), 3000, fallback),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: subject, emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(renderPart(templates, 'slack', view, escapeMrkdwn), 3000, fallback) } },
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'open-lead', text: { type: 'plain_text', text: 'Open the lead' }, url: view.lead.link }],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Remit · ${escapeMrkdwn(view.event)}` }] },
    ],
  };
}
