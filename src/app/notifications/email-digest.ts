import { escapeHtml, summariseEvent, type EmailContent } from './email-message.ts';

/**
 * One e-mail for a digest (docs/notifications.md "Digests"): each event as its intro, lead id, reason codes and
 * console link, exactly what the single messages say and no more personal data. Events without a template are
 * left out; undefined when none has one.
 */
export function renderEmailDigest(
  events: readonly { readonly eventType: string; readonly payloadJson: string }[],
  consoleUrl: string,
): EmailContent | undefined {
  const items = events.flatMap((e) => summariseEvent(e.eventType, e.payloadJson, consoleUrl) ?? []);
  if (items.length === 0) return undefined;
  const text = [
    `${items.length} lead notifications:`,
    '',
    ...items.flatMap((i, n) => [
      `${n + 1}. ${i.intro}`,
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
        `<li>${escapeHtml(i.intro)}<br>Lead: ${escapeHtml(i.leadId)}<br>Reasons: ${escapeHtml(i.reasonText)}<br>` +
        `<a href="${escapeHtml(i.link)}">Open the lead in the console</a></li>`,
    ),
    '</ol>',
  ].join('\n');
  return { subject: `Remit digest: ${items.length} lead notifications`, text, html };
}
