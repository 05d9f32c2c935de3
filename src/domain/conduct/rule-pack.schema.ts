import { z } from 'zod';
import { JURISDICTION_PATTERN } from '../shared/jurisdiction.ts';

/**
 * Rule packs: versioned, sourced data. Every jurisdiction-specific number (hours, caps, scrub ages,
 * cooling-off windows, area codes) lives here, never in logic. A pack's identity for audit is
 * id + version + contentHash of the validated content.
 */
export const PackIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case id: letters, digits, . _ -');
export const JurisdictionSchema = z.string().regex(JURISDICTION_PATTERN, 'ISO 3166-1 alpha-2 or ISO 3166-2 code, e.g. "GB" or "US-FL"');
const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const HhMmSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM, 24-hour');

export const SourceSchema = z.strictObject({
  id: PackIdSchema,
  citation: z.string().min(1).describe('Legal citation, e.g. "47 CFR 64.1200(c)(1)".'),
  url: z.url(),
});
export type PackSource = z.infer<typeof SourceSchema>;

const header = {
  id: PackIdSchema,
  version: z.string().min(1),
  effective: IsoDateSchema.describe('Date from which this version applies (UTC).'),
  description: z.string().optional(),
  sources: z.array(SourceSchema).min(1),
};

export const ChannelSchema = z.enum(['call', 'sms', 'email', 'whatsapp', 'letter']);
export type Channel = z.infer<typeof ChannelSchema>;
export const PurposeSchema = z.enum(['marketing', 'transactional']);
export type Purpose = z.infer<typeof PurposeSchema>;
export const CustomerTypeSchema = z.enum(['retail', 'professional', 'eligible_counterparty']);
export const WeekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof WeekdaySchema>;

/** How a recipient is placed in a jurisdiction: postal address, or phone number (NANP area code / country code). */
export const LocatorSchema = z.enum(['address', 'phone']);
export type Locator = z.infer<typeof LocatorSchema>;

/** Facts that lift a restriction when present. */
export const ExemptionSchema = z.enum([
  'consent',
  'prior_express_written_consent',
  'existing_relationship',
  'relationship_envisages_cold_calls',
]);
export type Exemption = z.infer<typeof ExemptionSchema>;

const ruleBase = {
  id: PackIdSchema,
  title: z.string().min(1),
  source: PackIdSchema.describe("Id of an entry in the pack's sources."),
  jurisdictions: z
    .array(JurisdictionSchema)
    .min(1)
    .describe('Recipient jurisdictions the rule applies to; a country covers its subdivisions.'),
  locatedBy: z.array(LocatorSchema).min(1).default(['address', 'phone']),
  channels: z.array(ChannelSchema).min(1),
  purposes: z.array(PurposeSchema).min(1).default(['marketing']),
};

export const QuietHoursSpecSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('quiet_hours'),
  allowed: z.strictObject({ from: HhMmSchema, to: HhMmSchema }).describe("Allowed local window [from, to) in the recipient's time zone."),
  days: z.array(WeekdaySchema).min(1).optional().describe('Days on which outreach is allowed at all; omitted = every day.'),
});

export const CallCapSpecSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('call_cap'),
  max: z.number().int().positive(),
  perHours: z.number().int().positive(),
  per: z.enum(['subject', 'recipient']).describe('Count attempts on the same subject, or every attempt to the recipient.'),
});

export const RegistryDncSpecSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('registry_dnc'),
  registry: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/)
    .describe('Registry id the input scrub records refer to, e.g. US_NATIONAL_DNC, UK_TPS.'),
  maxScrubAgeDays: z.number().int().positive().optional(),
  exemptions: z.array(ExemptionSchema).default([]),
});

export const FirmDncSpecSchema = z.strictObject({ ...ruleBase, kind: z.literal('firm_dnc') });

export const ConsentRequiredSpecSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('consent_required'),
  when: z.enum(['always', 'automated']).describe('automated = only autodialled or prerecorded/artificial-voice outreach.'),
  requirePriorExpressWritten: z.boolean(),
  mustNameNumber: z.boolean().describe('The consent must name the number being contacted.'),
});

export const OptOutSuppressionSpecSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('opt_out_suppression'),
  crossChannel: z.boolean().describe('An opt-out or objection on any channel suppresses every channel of this rule.'),
});

export const ColdCallRestrictionSpecSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('cold_call_restriction'),
  productLines: z.array(z.string().min(1)).optional().describe('Restricted product lines; omitted = every product.'),
  customerTypes: z.array(CustomerTypeSchema).optional().describe('Protected customer types; omitted = every type.'),
  exemptions: z.array(ExemptionSchema).default([]),
  exemptProductAttributes: z
    .array(z.string().min(1))
    .default([])
    .describe('A product carrying any of these attributes may be cold-called.'),
});

export const PromotionApprovalSpecSchema = z.strictObject({ ...ruleBase, kind: z.literal('promotion_approval') });

export const AudienceRestrictionSpecSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('audience_restriction'),
  audience: z.literal('professional_only'),
  forbiddenCustomerTypes: z.array(CustomerTypeSchema).min(1),
});

export const OutreachRuleSpecSchema = z.discriminatedUnion('kind', [
  QuietHoursSpecSchema,
  CallCapSpecSchema,
  RegistryDncSpecSchema,
  FirmDncSpecSchema,
  ConsentRequiredSpecSchema,
  OptOutSuppressionSpecSchema,
  ColdCallRestrictionSpecSchema,
  PromotionApprovalSpecSchema,
  AudienceRestrictionSpecSchema,
]);
export type OutreachRuleSpec = z.infer<typeof OutreachRuleSpecSchema>;
export type OutreachRuleKind = OutreachRuleSpec['kind'];

export const OutreachPackSchema = z.strictObject({ ...header, kind: z.literal('outreach'), rules: z.array(OutreachRuleSpecSchema).min(1) });
export type OutreachPackData = z.infer<typeof OutreachPackSchema>;

export const AreaCodePackSchema = z.strictObject({
  ...header,
  kind: z.literal('nanp_area_codes'),
  areaCodes: z
    .record(z.string().regex(/^[2-9]\d\d$/, 'three-digit NANP area code'), JurisdictionSchema)
    .describe('NANP area code → ISO 3166-2 subdivision (or country when it spans several).'),
});
export type AreaCodePackData = z.infer<typeof AreaCodePackSchema>;

export const TimeZonePackSchema = z.strictObject({
  ...header,
  kind: z.literal('time_zones'),
  zones: z
    .record(JurisdictionSchema, z.array(z.string().min(1)).min(1))
    .describe("Jurisdiction → IANA zones in use there (all are checked when the recipient's zone is unknown)."),
});
export type TimeZonePackData = z.infer<typeof TimeZonePackSchema>;

export const COOLING_OFF_STEPS = ['PROPOSAL', 'WON', 'APPOINTMENT'] as const;
export const CoolingOffEventSchema = z.enum(['first_contact', 'information_provided', 'soa_signed', 'proposal_made', 'contract_concluded']);
export type CoolingOffEvent = z.infer<typeof CoolingOffEventSchema>;

export const CoolingOffWindowSchema = z.union([
  z.strictObject({ days: z.number().int().positive() }).describe("Calendar days in the customer's zone: same local time N days later."),
  z.strictObject({ hours: z.number().int().positive() }).describe('Elapsed hours.'),
  z.strictObject({ clearDays: z.number().int().positive() }).describe('Whole local days strictly between the event day and the step day.'),
]);
export type CoolingOffWindowSpec = z.infer<typeof CoolingOffWindowSchema>;

export const CoolingOffEntrySchema = z.strictObject({
  id: PackIdSchema,
  title: z.string().min(1),
  source: PackIdSchema,
  jurisdictions: z.array(JurisdictionSchema).min(1),
  productLines: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]),
  exemptProductLines: z
    .array(z.string().min(1))
    .default([])
    .describe('A product with any of these lines is outside the entry (e.g. market-priced products).'),
  whenFlags: z
    .array(z.string().min(1))
    .optional()
    .describe('Applies only when the lead carries one of these flags (e.g. replacement, senior).'),
  unlessFlags: z.array(z.string().min(1)).default([]).describe('Documented exceptions that lift the entry.'),
  countsFrom: CoolingOffEventSchema,
  blocks: z.enum(COOLING_OFF_STEPS).describe('The step held back until the window has elapsed.'),
  window: CoolingOffWindowSchema,
  note: z.string().optional(),
});
export type CoolingOffEntry = z.infer<typeof CoolingOffEntrySchema>;

export const CoolingOffPackSchema = z.strictObject({
  ...header,
  kind: z.literal('cooling_off'),
  entries: z.array(CoolingOffEntrySchema).min(1),
});
export type CoolingOffPackData = z.infer<typeof CoolingOffPackSchema>;

export const RulePackSchema = z.discriminatedUnion('kind', [
  OutreachPackSchema,
  CoolingOffPackSchema,
  AreaCodePackSchema,
  TimeZonePackSchema,
]);
export type RulePackData = z.infer<typeof RulePackSchema>;

/** A validated pack with the identity a decision cites. */
export interface Versioned<T> {
  readonly data: T;
  /** contentHash of the validated data. */
  readonly hash: string;
}

export interface PackCitation {
  readonly packId: string;
  readonly version: string;
  readonly hash: string;
}
