import Mustache from 'mustache';
import { z } from 'zod';

/** Events that notify someone (docs/notifications.md); each has an audience row and built-in templates. */
export const NOTIFIED_EVENTS = [
  'lead.assigned',
  'lead.reassigned',
  'lead.refused',
  'lead.held',
  'lead.sla_warning',
  'lead.sla_breached',
  'lead.escalated',
  'lead.sla_exhausted',
  'lead.duplicate',
  'licence.expiring',
  'roster.overloaded',
  'screening.lists_stale',
  'audit.verify_failed',
] as const;
export type NotifiedEvent = (typeof NOTIFIED_EVENTS)[number];

/** Template parts: e-mail subject (also the inbox title), text (e-mail text and HTML parts, inbox), Slack, Teams. */
export const TEMPLATE_PARTS = ['subject', 'text', 'slack', 'teams'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

type Token = readonly [string, string, number, number, Token[]?];

/** Unescaped output ({{{x}}}, {{& x}}) would bypass the channel's escaper, and partials ({{> x}}) have no source. */
const unsafeTag = (tokens: readonly Token[]): string | undefined => {
  for (const [type, name, , , children] of tokens) {
    if (type === '&') return `{{{${name}}}} / {{& ${name}}}: unescaped output is not allowed (values are escaped for each channel)`;
    if (type === '>') return `{{> ${name}}}: partials are not supported`;
    const inner = children ? unsafeTag(children) : undefined;
    if (inner) return inner;
  }
  return undefined;
};

/**
 * A mustache template, parsed at config load: a syntax error is a field-level config error at its own path
 * (notifications.templates.<event>.<part>), not a failed delivery at send time.
 */
const TemplateSchema = z
  .string()
  .min(1)
  .max(4000)
  .superRefine((template, ctx) => {
    try {
      const unsafe = unsafeTag(Mustache.parse(template) as unknown as Token[]);
      if (unsafe) ctx.addIssue({ code: 'custom', message: unsafe });
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `not a valid mustache template: ${(e as Error).message}` });
    }
  });

const EventTemplatesSchema = z.strictObject(
  Object.fromEntries(TEMPLATE_PARTS.map((p) => [p, TemplateSchema.optional()])) as Record<
    TemplatePart,
    z.ZodOptional<typeof TemplateSchema>
  >,
);
export type EventTemplates = z.infer<typeof EventTemplatesSchema>;

// Self-contained on purpose: org-config.schema.ts imports this file, so it may not import back.
const RouteIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'ids use letters, digits and _ . : - (max 64)');

export const ChatRouteSchema = z.strictObject({
  id: RouteIdSchema,
  kind: z.enum(['slack', 'teams']).describe('Slack incoming webhook (Block Kit) or Teams Workflows webhook (Adaptive Card).'),
  urlEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name, e.g. REMIT_SLACK_SALES_URL')
    .describe('Environment variable holding the webhook URL (a secret: never in the config).'),
  events: z.array(z.enum(NOTIFIED_EVENTS)).min(1),
  teams: z.array(z.string().min(1)).min(1).optional().describe("Only leads of these teams; omitted: every team's leads."),
});
export type ChatRoute = z.infer<typeof ChatRouteSchema>;

/**
 * `notifications` in the org config (docs/notifications.md): shared chat channels, per-event template overrides,
 * whether messages may carry the prospect's details, which events are urgent (skip quiet hours and digests), and the
 * licence-expiry horizon and day. Every field optional with no defaults, so an org without the section hashes exactly
 * as before.
 */
export const NotificationsPolicySchema = z.strictObject({
  urgentEvents: z
    .array(z.string().regex(/^[a-z]+(\.[a-z_]+)+$/, 'an event type, e.g. lead.refused'))
    .optional()
    .describe("Event types sent at once, past people's quiet hours and digests; omitted: none."),
  chat: z
    .array(ChatRouteSchema)
    .optional()
    .superRefine((routes, ctx) => {
      const seen = new Set<string>();
      (routes ?? []).forEach((r, i) => {
        if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate chat route id ${r.id}` });
        seen.add(r.id);
      });
    })
    .describe('Shared Slack/Teams channels, each told of some events (for some teams).'),
  templates: z
    .partialRecord(z.enum(NOTIFIED_EVENTS), EventTemplatesSchema)
    .optional()
    .describe('Per-event mustache templates overriding the built-in ones; values are escaped for each channel.'),
  expiryHorizonDays: z
    .number()
    .int()
    .min(1)
    .max(366)
    .optional()
    .describe('Licences and carrier appointments whose validity ends within this many days are announced (licence.expiring); default 30.'),
  timeZone: z
    .string()
    .min(1)
    .optional()
    .describe("IANA zone of the org's day for daily notification jobs (licence.expiring runs once per day in it); default UTC."),
  includePersonalData: z
    .boolean()
    .optional()
    .describe(
      'true: templates may use {{lead.name}}, {{lead.email}}, {{lead.phone}}, {{lead.company}}, read at send time; omitted: false.',
    ),
});
export type NotificationsPolicy = z.infer<typeof NotificationsPolicySchema>;

/** Applied in code, not as a zod default: an org without the section keeps the canonical form (and hash) it had. */
export const DEFAULT_EXPIRY_HORIZON_DAYS = 30;

export const expiryHorizonDaysOf = (policy: NotificationsPolicy | undefined): number =>
  policy?.expiryHorizonDays ?? DEFAULT_EXPIRY_HORIZON_DAYS;

export const notificationTimeZoneOf = (policy: NotificationsPolicy | undefined): string => policy?.timeZone ?? 'UTC';
