import type { EventTemplates } from '../../domain/org/notifications-policy.schema.ts';
import type { MessageView } from './message-view.ts';
import { plain, renderPart } from './notification-templates.ts';

/**
 * A Microsoft Teams incoming-webhook message (Workflows "post to a channel when a webhook request is received", or a
 * connector) carrying an Adaptive Card 1.4: title, the rendered template, the lead and reasons as facts, and an
 * Action.OpenUrl to the lead. The card is built as an object and the strings are JSON-encoded by JSON.stringify, so
 * a template renders text only and cannot inject card structure (values need no escaping of their own).
 */
export function teamsMessage(templates: Required<EventTemplates>, view: MessageView): object {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: renderPart(templates, 'subject', view, plain), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: renderPart(templates, 'teams', view, plain), wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Lead', value: view.lead.id },
                { title: 'Reasons', value: view.reasons },
              ],
            },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open the lead', url: view.lead.link }],
        },
      },
    ],
  };
}
