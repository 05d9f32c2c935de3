import { z } from 'zod';
import { DigestSchema } from '../../domain/notifications/digest-period.ts';
import { QuietHoursSchema } from '../../domain/notifications/quiet-hours.ts';

/**
 * Per-event switches, the same for every channel; a switch left out is on. A new notified event adds its switch here
 * (and names it in notification-recipients.ts PREFERENCE).
 */
const EVENT_SWITCHES = {
  assignment: z.boolean().optional().describe('New lead assigned to me (reps).'),
  refusal: z.boolean().optional().describe('A lead was refused (compliance, ops).'),
  hold: z.boolean().optional().describe('A lead was held (compliance, ops).'),
  sla: z.boolean().optional().describe('SLA warning before a deadline and SLA breach (the rep, their team lead).'),
  escalation: z.boolean().optional().describe('A lead was escalated or its SLA ladder exhausted (team leads, ops, compliance).'),
  duplicate: z.boolean().optional().describe('A lead I own came in again (the owner rep).'),
  expiry: z.boolean().optional().describe('A licence or carrier appointment is expiring (the rep, their manager, compliance).'),
  overload: z.boolean().optional().describe('A rep or team is overloaded (ops).'),
  lists: z.boolean().optional().describe('A screening list is stale or not loaded (compliance).'),
  audit: z.boolean().optional().describe('The audit chain failed verification (admins).'),
};
const enabled = (what: string) => z.boolean().optional().describe(`false turns ${what} off altogether; omitted: on.`);

/** Slack and Teams: a person's own incoming-webhook URL (a secret: shown masked when read back). */
const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'an http(s) URL' })
  .max(2000)
  .describe('Your own incoming-webhook URL; checked against the webhook target policy (public addresses only).');

/**
 * PUT /v1/me/notifications: per-channel switches and per-event opt-outs; the body replaces what was stored. Today's
 * `{email: {assignment: false}}` keeps its meaning. E-mail and the console inbox are on unless turned off; Slack and
 * Teams are on once a webhook URL is set; quiet hours and digest mode are docs/notifications.md's.
 */
export const NotificationPreferencesSchema = z.strictObject({
  email: z.strictObject({ enabled: enabled('e-mail'), ...EVENT_SWITCHES }).default({}),
  inbox: z.strictObject({ enabled: enabled('the console inbox'), ...EVENT_SWITCHES }).optional(),
  slack: z.strictObject({ webhookUrl: webhookUrl.optional(), enabled: enabled('Slack'), ...EVENT_SWITCHES }).optional(),
  teams: z.strictObject({ webhookUrl: webhookUrl.optional(), enabled: enabled('Teams'), ...EVENT_SWITCHES }).optional(),
  quietHours: QuietHoursSchema.optional().describe('Hold my notifications in these hours; they are sent when the quiet period ends.'),
  digest: DigestSchema.optional().describe('Collect my e-mail notifications and send one message per period.'),
});
export type NotificationPreferences = z.output<typeof NotificationPreferencesSchema>;
/** One channel's switches as stored (Slack/Teams add their URL). */
export type ChannelPreferences = NotificationPreferences['email'] & { readonly webhookUrl?: string };
export type EventSwitch = keyof typeof EVENT_SWITCHES;

/** The stored JSON read back; anything unreadable counts as "defaults" (a notification too many, never one lost). */
export function preferencesOf(json: string | undefined): NotificationPreferences | undefined {
  if (json === undefined) return undefined;
  const parsed = NotificationPreferencesSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : undefined;
}

/** Webhook URLs are secrets: read back as scheme, host and a hint of the end, e.g. https://hooks.slack.com/…XyZ9. */
export const maskWebhookUrl = (url: string): string => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/…${url.slice(-4)}`;
};

/** GET /v1/me/notifications (and the audit entry of a change): what is stored, webhook URLs masked. */
export function maskedPreferences(prefs: NotificationPreferences): NotificationPreferences {
  const mask = <T extends { readonly webhookUrl?: string | undefined }>(c: T | undefined): T | undefined =>
    c?.webhookUrl === undefined ? c : { ...c, webhookUrl: maskWebhookUrl(c.webhookUrl) };
  return { ...prefs, ...(prefs.slack ? { slack: mask(prefs.slack) } : {}), ...(prefs.teams ? { teams: mask(prefs.teams) } : {}) };
}
