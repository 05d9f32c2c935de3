// Per-event e-mail templates (docs/notifications.md). Data minimisation: a message names the lead by its id, links
// to it in the console and gives the reason codes; never the prospect's name, e-mail or phone.

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

interface EventBody {
  readonly data?: Readonly<Record<string, unknown>> & {
    readonly leadId?: unknown;
    readonly reasons?: readonly { readonly code?: unknown }[];
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every interpolated value goes through this in the HTML part: a lead id or reason cannot inject markup. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Subject lines are single lines: a value with a line break cannot add a header. */
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ');

/**
 * A template: subject and intro; `{name}` in the subject is the event's `name` field (`{lead}` its lead id). Events
 * about something other than a decision list `facts` (data fields shown as lines) instead of reason codes, and link
 * to a console page (`path`) when they name no lead.
 */
interface EmailTemplate {
  readonly subject: string;
  readonly intro: string;
  readonly facts?: readonly string[];
  readonly path?: string;
}

const TEMPLATES: Record<string, EmailTemplate> = {
  'lead.assigned': { subject: 'New lead assigned to you: {lead}', intro: 'A new lead has been assigned to you.' },
  'lead.refused': { subject: 'Lead refused, review needed: {lead}', intro: 'A lead was refused and awaits a compliance review.' },
  'lead.held': { subject: 'Lead held, review needed: {lead}', intro: 'A lead was held and awaits a compliance review.' },
  'lead.sla_warning': {
    subject: 'SLA deadline in {minutesLeft} min: {lead}',
    intro: 'A lead is close to its SLA deadline and has not been worked yet.',
    facts: ['repId', 'deadline', 'dueAt', 'minutesLeft'],
  },
  'lead.sla_breached': {
    subject: 'SLA missed: {lead}',
    intro: 'A lead missed its SLA deadline; the escalation ladder takes its next step.',
    facts: ['repId', 'missed', 'reasonCode', 'dueAt', 'attempt'],
  },
  'lead.escalated': {
    subject: 'Lead escalated: {lead}',
    intro: 'A lead missed its SLA again and was escalated.',
    facts: ['missed', 'attempt', 'missedBy', 'currentRep', 'reviewId'],
  },
  'lead.sla_exhausted': {
    subject: 'SLA ladder exhausted, lead parked for review: {lead}',
    intro: 'A lead missed every SLA step and waits in the review queue.',
    facts: ['missed', 'attempt', 'missedBy', 'currentRep', 'reviewId'],
  },
  'lead.duplicate': {
    subject: 'Your lead came in again: {duplicateOf}',
    intro: 'A new lead matched a lead you own.',
    facts: ['duplicateOf', 'matchedOn'],
  },
  'licence.expiring': {
    subject: '{subject} {grantId} expires in {daysLeft} days',
    intro: 'A licence grant or carrier appointment expires soon; renew it or routing stops using it.',
    facts: ['subject', 'grantId', 'holder', 'repId', 'jurisdiction', 'validTo', 'daysLeft'],
    path: '/licences',
  },
  'roster.overloaded': {
    subject: 'Overloaded: {scope} {id}',
    intro: "A rep or team crossed the roster's overload threshold.",
    facts: ['scope', 'id', 'code', 'leads', 'total', 'share', 'threshold'],
    path: '/roster',
  },
  'screening.lists_stale': {
    subject: 'Screening list {list}: {condition}',
    intro: 'A configured screening list is not loaded or older than its allowed age.',
    facts: ['list', 'condition', 'version', 'loadedAt', 'ageDays', 'maxAgeDays'],
  },
  'audit.verify_failed': {
    subject: 'Audit chain verification failed at sequence {firstBrokenSeq}',
    intro: 'The audit hash chain did not verify: a record was altered or removed.',
    facts: ['firstBrokenSeq', 'reason', 'checked'],
  },
};

const show = (value: unknown): string =>
  value === undefined || value === null ? '' : Array.isArray(value) ? value.map(show).join(', ') : String(value);

/** Renders the e-mail for an outbox event; undefined for an event type without a template. */
export function renderEmail(eventType: string, payloadJson: string, consoleUrl: string): EmailContent | undefined {
  const template = TEMPLATES[eventType];
  if (!template) return undefined;
  const data = (JSON.parse(payloadJson) as EventBody).data ?? {};
  const leadId = show(data.leadId);
  const base = consoleUrl.replace(/\/+$/, '');
  const link = leadId !== '' || !template.path ? `${base}/leads/${encodeURIComponent(leadId)}` : `${base}${template.path}`;
  const lines: [string, string][] = template.facts
    ? template.facts.filter((f) => show(data[f]) !== '').map((f) => [f, show(data[f])])
    : [['Reasons', reasonsOf(data)]];
  if (leadId !== '' || !template.path) lines.unshift(['Lead', leadId]);
  const text = [template.intro, '', ...lines.map(([k, v]) => `${k}: ${v}`), `Open in the console: ${link}`, ''].join('\n');
  const html = [
    `<p>${escapeHtml(template.intro)}</p>`,
    `<p>${lines.map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`).join('<br>')}</p>`,
    `<p><a href="${escapeHtml(link)}">Open ${leadId !== '' ? 'the lead ' : ''}in the console</a></p>`,
  ].join('\n');
  const subject = template.subject.replace(/\{(\w+)\}/g, (_, name: string) => show(name === 'lead' ? data.leadId : data[name]));
  return { subject: oneLine(subject), text, html };
}

function reasonsOf(data: NonNullable<EventBody['data']>): string {
  const reasons = (data.reasons ?? []).map((r) => String(r.code ?? '')).filter((c) => c !== '');
  return reasons.length > 0 ? reasons.join(', ') : 'none recorded';
}
