import { z } from 'zod';

/**
 * Lead sources (docs/sources.md): HTML forms posted straight from a web page and CRM/marketing
 * webhooks. Configuration, not code: each source names how its fields map onto the intake payload
 * (docs/sources.md). Self-contained on purpose (org-config.schema.ts imports this file, so it may
 * not import back). Secrets are never written here: a config is published and readable as an org
 * version, so signing secrets and form keys are named by environment variable (`secretEnv`, `keyEnv`).
 */

const SourceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'source ids use letters, digits, _ and - (max 64): they appear in URLs');

/** Intake payload fields a source field may fill (see IntakeLeadSchema); `custom.<key>` fills a custom field. */
export const INTAKE_TARGETS = [
  'externalId',
  'source',
  'product',
  'person.firstName',
  'person.lastName',
  'person.email',
  'person.phone',
  'person.dateOfBirth',
  'company.name',
  'company.website',
  'company.employees',
  'company.email',
  'company.phone',
  'company.domain',
  'company.annualRevenue',
  'company.revenueCurrency',
  'company.industry',
  'company.naics',
  'company.sic',
  'company.country',
  'company.region',
  'company.tags',
  'address.country',
  'address.subdivision',
  'address.state',
  'address.postalCode',
  'address.city',
  'address.line1',
  'timeZone',
  'language',
  'dealValue',
  'currency',
] as const;

export const IntakeTargetSchema = z.union([
  z.enum(INTAKE_TARGETS),
  z.string().regex(/^custom\.[A-Za-z0-9_.:-]{1,64}$/, 'custom.<key>: letters, digits and _ . : -'),
]);

const EnvNameSchema = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'an environment variable name (upper case, digits, _)');
const FieldNameSchema = z.string().min(1).max(200);

export const FieldMapSchema = z
  .record(IntakeTargetSchema, FieldNameSchema)
  .describe(
    'Intake field → source field name, e.g. { "person.firstName": "first_name" }. Nested source fields use dots ("lead.FirstName").',
  );

export const ConsentMappingSchema = z
  .strictObject({
    field: FieldNameSchema.describe(
      'The consent checkbox (or boolean) field. Checked: on, true, yes, y, 1, checked. Absent or anything else: not given.',
    ),
    wordingField: FieldNameSchema.optional().describe('Field carrying the consent text the page showed, verbatim (a hidden field).'),
    wording: z.string().trim().min(1).max(4000).optional().describe('The consent text, when the source does not send it.'),
    capturedAtField: FieldNameSchema.optional().describe(
      'Field with the moment consent was given (ISO instant or epoch milliseconds); default: when Remit received it.',
    ),
    channels: z
      .array(z.enum(['email', 'phone', 'sms', 'post', 'messaging']))
      .max(10)
      .optional(),
    lawfulBasis: z
      .enum(['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'])
      .default('consent'),
  })
  .refine((c) => c.wording !== undefined || c.wordingField !== undefined, {
    message: 'give wording or wordingField: the consent text is stored with the lead',
    path: ['wording'],
  });

const mappingShape = {
  fields: FieldMapSchema.default({}),
  defaults: z
    .record(IntakeTargetSchema, z.union([z.string().min(1).max(1000), z.number().finite()]))
    .default({})
    .describe('Constant values for intake fields the source does not send (e.g. product, source).'),
  hidden: z
    .array(FieldNameSchema)
    .max(50)
    .default([])
    .describe('Extra fields copied into custom.<name> (UTM parameters, click ids, page …); a repeated field becomes a list.'),
  consent: ConsentMappingSchema.optional(),
};

const RateLimitSchema = z
  .strictObject({
    burst: z.number().int().min(1).max(10_000).default(5).describe('Requests an IP may make at once.'),
    perMinute: z.number().positive().max(100_000).default(10).describe('Sustained requests per minute per IP.'),
  })
  .describe('Token bucket per client IP, in memory per process.');

/** A browser redirect target: http(s) only (a javascript: or data: URL would run script on the bank's behalf). */
const RedirectUrlSchema = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' });

export const FormSourceSchema = z
  .strictObject({
    id: SourceIdSchema,
    name: z.string().min(1).max(200).optional(),
    ...mappingShape,
    returnUrl: RedirectUrlSchema.describe(
      'Where the browser goes after a submission (303): ?lead=<id>&status=accepted|duplicate is appended.',
    ),
    errorUrl: RedirectUrlSchema.optional().describe(
      'Where the browser goes when the submission is invalid: ?error=<code>&fields=<form fields>. Default: returnUrl.',
    ),
    keyEnv: EnvNameSchema.optional().describe(
      'Environment variable holding the form key; the post must carry it in keyField or the keyHeader header.',
    ),
    keyField: FieldNameSchema.default('_form_key'),
    keyHeader: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'a lower-case header name')
      .default('x-remit-form-key'),
    signedToken: z
      .strictObject({
        secretEnv: EnvNameSchema.describe("Environment variable holding the HMAC secret that signs this form's tokens."),
        ttlSeconds: z.number().int().min(30).max(86_400).default(900).describe('How long a token is valid.'),
        field: FieldNameSchema.default('_form_token').describe('Form field carrying the token (or the X-Remit-Form-Token header).'),
      })
      .optional()
      .describe(
        'When set, every post must carry a signed, short-lived token (GET /v1/forms/{formId}/token, or minted by your web server).',
      ),
    allowedOrigins: z
      .array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin: scheme://host[:port], no path'))
      .max(50)
      .default([])
      .describe('When given, the Origin header must be one of these.'),
    honeypotField: FieldNameSchema.nullable()
      .default('_hp')
      .describe('A field hidden from people; when filled the post is answered as a success and nothing is stored. null: none.'),
    rateLimit: RateLimitSchema.default({ burst: 5, perMinute: 10 }),
    maxBodyBytes: z
      .number()
      .int()
      .min(512)
      .max(1024 * 1024)
      .default(16 * 1024),
  })
  .refine((f) => f.keyEnv !== undefined || f.allowedOrigins.length > 0 || f.signedToken !== undefined, {
    message: 'a public form needs keyEnv, allowedOrigins or signedToken',
    path: ['allowedOrigins'],
  });

const ReasonCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an UPPER_SNAKE_CASE reason code (PRICE, COMPETITOR …)');
const StageListSchema = z.array(z.string().min(1).max(255)).max(50);

/**
 * How a CRM's closed-deal events become lead outcomes (docs/outcomes.md "From CRM webhooks"). Optional: a source without
 * it takes the defaults documented there (kept out of the schema's defaults so an org without it keeps its content hash).
 */
export const CrmOutcomeMappingSchema = z
  .strictObject({
    wonStages: StageListSchema.optional().describe('HubSpot dealstage values meaning WON; default [closedwon]. Salesforce uses IsWon.'),
    lostStages: StageListSchema.optional().describe(
      'HubSpot dealstage values meaning LOST; default [closedlost]. Salesforce: IsClosed and not IsWon.',
    ),
    disqualifiedStages: StageListSchema.optional().describe(
      'Closed stages (HubSpot dealstage, Salesforce StageName) meaning DISQUALIFIED: never a real prospect. Default none.',
    ),
    reasonField: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/)
      .optional()
      .describe('Salesforce: the Opportunity field whose value is looked up in reasonCodes (e.g. Loss_Reason__c); default StageName.'),
    reasonCodes: z
      .record(z.string().min(1).max(255), ReasonCodeSchema)
      .optional()
      .describe('Stage (HubSpot dealstage; Salesforce reasonField value) → reason code. Not listed: the default of the outcome kind.'),
    defaultReasonCodes: z
      .strictObject({ WON: ReasonCodeSchema.optional(), LOST: ReasonCodeSchema.optional(), DISQUALIFIED: ReasonCodeSchema.optional() })
      .optional()
      .describe('Reason code when reasonCodes has none; defaults CRM_CLOSED_WON, CRM_CLOSED_LOST, CRM_DISQUALIFIED.'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
      .optional()
      .describe('Currency of an amount the event does not name one for (HubSpot: the portal currency).'),
    leadSource: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("The leads' `source` for matching by external id; default the mapping's defaults.source, else the kind."),
  })
  .describe('Closed-deal events (HubSpot deal.propertyChange, Salesforce Opportunity) → lead outcomes.');

export const CrmSourceSchema = z.strictObject({
  id: SourceIdSchema,
  kind: z
    .enum(['hubspot', 'salesforce'])
    .describe('hubspot: form-submission webhook, X-HubSpot-Signature-v3; salesforce: JSON Lead object, Remit-Signature (docs/sources.md).'),
  name: z.string().min(1).max(200).optional(),
  ...mappingShape,
  secretEnv: EnvNameSchema.describe('Environment variable holding the signing secret (HubSpot: the app client secret).'),
  publicUrl: z
    .url()
    .optional()
    .describe('HubSpot signs the URL it called; behind a proxy, give that public URL (default: built from the Host header).'),
  toleranceSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(300)
    .describe('Signed timestamps older (or further ahead) than this are rejected.'),
  outcomes: CrmOutcomeMappingSchema.optional(),
});

export const SourcesSchema = z
  .strictObject({
    forms: z.array(FormSourceSchema).default([]),
    crm: z.array(CrmSourceSchema).default([]),
  })
  .superRefine((s, ctx) => {
    for (const [section, list] of [
      ['forms', s.forms],
      ['crm', s.crm],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((src, i) => {
        if (seen.has(src.id))
          ctx.addIssue({ code: 'custom', path: [section, i, 'id'], message: `duplicate ${section} source id "${src.id}"` });
        seen.add(src.id);
      });
    }
  });

export type FormSourceConfig = z.infer<typeof FormSourceSchema>;
export type CrmSourceConfig = z.infer<typeof CrmSourceSchema>;
export type ConsentMapping = z.infer<typeof ConsentMappingSchema>;
export type CrmOutcomeMapping = z.infer<typeof CrmOutcomeMappingSchema>;
/** What maps a source's flat fields onto an intake payload (shared by forms, webhooks and CSV import). */
export type SourceMapping = Pick<FormSourceConfig, 'fields' | 'defaults' | 'hidden'> & { readonly consent?: ConsentMapping | undefined };
export const SourceMappingSchema = z.strictObject(mappingShape);
