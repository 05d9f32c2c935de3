// Per-event e-mail templates (docs/notifications.md). Data minimisation: a message names the lead by its id, links
// to it in the console and gives the reason codes; never the prospect's name, e-mail or phone.

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

interface EventBody {
  readonly data?: {
    readonly leadId?: unknown;
    readonly outcome?: unknown;
    readonly repId?: unknown;
    readonly reasons?: readonly { readonly code?: unknown }[];
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every interpolated value goes through this in the HTML part: a lead id or reason cannot inject markup. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Subject lines are single lines: a value with a line break cannot add a header. */
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ');

const TEMPLATES: Record<string, { readonly subject: string; readonly intro: string }> = {
  'lead.assigned': { subject: 'New lead assigned to you: {lead}', intro: 'A new lead has been assigned to you.' },
  'lead.refused': { subject: 'Lead refused, review needed: {lead}', intro: 'A lead was refused and awaits a compliance review.' },
  'lead.held': { subject: 'Lead held, review needed: {lead}', intro: 'A lead was held and awaits a compliance review.' },
};

/** What every message says about one event: the lead's id, its console link and the reason codes, nothing else. */
export interface EventSummary {
  readonly intro: string;
  readonly leadId: string;
  readonly link: string;
  readonly reasonText: string;
}

/** The summary of an outbox event; undefined for an event type without a template. */
export function summariseEvent(eventType: string, payloadJson: string, consoleUrl: string): EventSummary | undefined {
  const template = TEMPLATES[eventType];
  if (!template) return undefined;
  const body = JSON.parse(payloadJson) as EventBody;
  const leadId = String(body.data?.leadId ?? '');
  const reasons = (body.data?.reasons ?? []).map((r) => String(r.code ?? '')).filter((c) => c !== '');
  const link = `${consoleUrl.replace(/\/+$/, '')}/leads/${encodeURIComponent(leadId)}`;
  return { intro: template.intro, leadId, link, reasonText: reasons.length > 0 ? reasons.join(', ') : 'none recorded' };
}

/** Renders the e-mail for an outbox event; undefined for an event type without a template. */
export function renderEmail(eventType: string, payloadJson: string, consoleUrl: string): EmailContent | undefined {
  const template = TEMPLATES[eventType];
  const summary = summariseEvent(eventType, payloadJson, consoleUrl);
  if (!template || !summary) return undefined;
  const { leadId, link, reasonText } = summary;
  const text = [template.intro, '', `Lead: ${leadId}`, `Reasons: ${reasonText}`, `Open in the console: ${link}`, ''].join('\n');
  const html = [
    `<p>${escapeHtml(template.intro)}</p>`,
    `<p>Lead: ${escapeHtml(leadId)}<br>Reasons: ${escapeHtml(reasonText)}</p>`,
    `<p><a href="${escapeHtml(link)}">Open the lead in the console</a></p>`,
  ].join('\n');
  return { subject: oneLine(template.subject.replace('{lead}', leadId)), text, html };
}
