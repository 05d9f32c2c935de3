import { escapeHtml, type EmailContent } from './email-message.ts';
import { messageView } from './message-view.ts';
import type { Delivery } from './notification-channel.ts';
import { plain, renderPart, templatesFor } from './notification-templates.ts';

/**
 * One e-mail for a digest (docs/notifications.md "Digests"): each event as its subject line (the event's template in
 * force, so config overrides and includePersonalData apply as in single messages), lead id, reason codes and console
 * link. Values are HTML-escaped in the HTML part.
 */
export function emailDigestContent(deliveries: readonly Pick<Delivery, 'templates' | 'view'>[]): EmailContent {
  const items = deliveries.map(({ templates, view }) => ({
    title: renderPart(templates, 'subject', view, plain).replace(/[\r\n]+/g, ' '),
    leadId: view.lead.id,
    reasonText: view.reasons,
    link: view.lead.link,
  }));
  const text = [
    `${items.length} lead notifications:`,
    '',
    ...items.flatMap((i, n) => [
      `${n + 1}. ${i.title}`,
      `   Lead: ${i.leadId}`,
      `   Reasons: ${i.reasonText}`,
      `   Open in the console: ${i.link}`,
      '',
    ]),
  ].join('\n');
  const html = [
    `<p>${items.length} lead notifications:</p>`,
    '<ol>',
    ...items.map(
      (i) =>
        `<li>${escapeHtml(i.title)}<br>Lead: ${escapeHtml(i.leadId)}<br>Reasons: ${escapeHtml(i.reasonText)}<br>` +
        `<a href="${escapeHtml(i.link)}">Open the lead in the console</a></li>`,
    ),
    '</ol>',
  ].join('\n');
  return { subject: `Remit digest: ${items.length} lead notifications`, text, html };
}

/** The digest of outbox events with the built-in templates; events without a template are left out, undefined when none has one. */
export function renderEmailDigest(
  events: readonly { readonly eventType: string; readonly payloadJson: string }[],
  consoleUrl: string,
): EmailContent | undefined {
  const deliveries = events.flatMap((e) => {
    const templates = templatesFor(e.eventType, undefined);
    return templates ? [{ templates, view: messageView(e.eventType, e.payloadJson, consoleUrl) }] : [];
  });
  return deliveries.length === 0 ? undefined : emailDigestContent(deliveries);
}
