import { z } from 'zod';
import { bookingUrlProblems } from './booking-link.ts';
import { RosterPolicySchema } from './roster-policy.schema.ts';
import { NotificationsPolicySchema } from './notifications-policy.schema.ts';
import { JURISDICTION_PATTERN } from '../shared/jurisdiction.ts';
import { ConditionSchema } from '../conditions/condition.schema.ts';
import { StrategyStepSchema } from '../strategies/strategy-step.schema.ts';
import { ScoringModelSchema } from '../intake/scoring-model.schema.ts';
import { SourcesSchema } from './sources.schema.ts';
import { IntakeLimitsSchema } from './intake-limits.schema.ts';
import { ConductPolicySchema } from './conduct-policy.schema.ts';
import { RetentionSchema } from './retention.schema.ts';
import { SlaSchema } from './sla.schema.ts';
import { ScreeningPolicySchema } from './screening-policy.schema.ts';
import { AccessPolicySchema } from './access-policy.schema.ts';
import { FallbackSchema, RegulationSchema } from './regulation.schema.ts';
import { AccountMatchingSchema, EnrichmentSchema, SegmentsSchema } from './company-policy.schema.ts';
import { CrmWriteBackSchema } from './crm-writeback.schema.ts';

/**
 * The org-and-rules configuration (docs/routing.md). One zod schema is the single source for validation,
 * the published JSON Schema (docs/remit-config.schema.json) and the HTTP API.
 */

export const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'ids use letters, digits and _ . : - (max 128)');
export const JurisdictionSchema = z
  .string()
  .regex(JURISDICTION_PATTERN, 'ISO 3166-1 alpha-2 (e.g. GB) or ISO 3166-2 code (e.g. US-TX), upper case');
export const IsoDateSchema = z.iso.date();
export const IsoInstantSchema = z.iso.datetime({ offset: true });
/** Dates may be given as a day (valid from 00:00 UTC / to 24:00 UTC of that day) or as an instant. */
export const DateOrInstantSchema = z.union([IsoDateSchema, IsoInstantSchema]);

/** MiFID II client categories; US retail (Reg BI) maps to retail, institutional to professional. Regulated lines use only these. */
export const MIFID_CUSTOMER_TYPES: readonly string[] = ['retail', 'professional', 'eligible_counterparty'];

export const CustomerTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a customer type: lower case letters, digits and _ (e.g. retail, smb)')
  .describe(
    "MiFID II's retail, professional, eligible_counterparty, or a type the org declares in customerTypes (unregulated lines only).",
  );
export type CustomerType = z.infer<typeof CustomerTypeSchema>;

export const CustomerStatusKindSchema = z
  .enum(['hnw', 'sophisticated', 'accredited', 'qualified_purchaser', 'assessed_professional'])
  .describe('Certified statuses that widen what a retail customer may be offered.');

export const ExperienceLevelSchema = z.enum(['junior', 'intermediate', 'senior', 'expert']);
export type ExperienceLevel = z.infer<typeof ExperienceLevelSchema>;

export const CapabilitySchema = z
  .enum(['appropriateness_assessment', 'enhanced_due_diligence', 'senior_approval'])
  .describe('What a team or rep is set up to do beyond selling.');
export type Capability = z.infer<typeof CapabilitySchema>;

export const FirmSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  entities: z
    .array(
      z.strictObject({
        id: IdSchema,
        name: z.string().min(1),
        homeJurisdiction: JurisdictionSchema,
      }),
    )
    .min(1)
    .describe('Legal entities that hold firm-level licences (a UK Ltd, an Irish DAC, a US agency …).'),
});

export const ProductSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  productLines: z
    .array(IdSchema)
    .min(1)
    .describe('Every line listed must be covered (e.g. a variable annuity needs variable_annuity AND securities).'),
  complexity: z.enum(['non_complex', 'complex']).default('non_complex'),
  massMarket: z.boolean().default(true).describe('false for products that must not be sold by mass-market-only staff.'),
  targetCustomerTypes: z.array(CustomerTypeSchema).min(1),
  retailRequiresStatus: z
    .array(CustomerStatusKindSchema)
    .default([])
    .describe('A retail customer needs one of these valid statuses (e.g. UK non-mass-market investments: hnw or sophisticated).'),
  requiresAppointment: z.boolean().default(false).describe('Insurance: the rep needs an active carrier appointment.'),
  carrier: IdSchema.optional(),
  appointmentLines: z
    .array(IdSchema)
    .optional()
    .describe('Lines the carrier appointment must cover (a carrier appoints for insurance, not securities); default: all product lines.'),
});
export type ProductConfig = z.infer<typeof ProductSchema>;

export const HolidayDaySchema = z.strictObject({ date: IsoDateSchema, name: z.string().min(1).max(200) });

/**
 * A team's working calendar (docs/routing.md "Team calendars and public holidays"). Public holidays come from
 * the `date-holidays` data when a version is published and are written into the version itself (`years`,
 * `days`), so a decision stays a function of the stored version: a replay years later, with another library
 * release, reads the same days.
 */
export const TeamCalendarSchema = z.strictObject({
  holidays: z
    .strictObject({
      country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code, upper case (e.g. GB)'),
      region: z
        .string()
        .regex(/^[A-Z0-9]{1,3}$/, 'the region code date-holidays uses, upper case (e.g. ENG for England, BY for Bavaria)')
        .optional(),
      years: z
        .strictObject({ from: z.number().int().min(1970).max(2200), to: z.number().int().min(1970).max(2200) })
        .optional()
        .describe('Years whose holidays are materialised; omitted: the publication year - 1 to + 2.'),
      days: z
        .array(HolidayDaySchema)
        .max(2000)
        .optional()
        .describe('Materialised at publication (public and bank holidays); given: kept as they are.'),
    })
    .optional(),
  extraClosedDays: z
    .array(IsoDateSchema)
    .max(2000)
    .default([])
    .describe("Further whole days the team is closed (company days, office moves), in the rep's time zone."),
});
export type TeamCalendarConfig = z.infer<typeof TeamCalendarSchema>;

export const TeamSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  entity: IdSchema.describe('The legal entity whose firm licences this team works under.'),
  mandate: z
    .strictObject({
      jurisdictions: z.array(JurisdictionSchema).min(1),
      productLines: z.array(IdSchema).min(1),
      customerTypes: z
        .array(CustomerTypeSchema)
        .min(1)
        .optional()
        .describe('Required when the team serves a regulated line; omitted (unregulated teams only): every customer type.'),
    })
    .describe('What the team is set up to serve; licences are checked separately.'),
  massMarketOnly: z.boolean().default(false),
  capabilities: z.array(CapabilitySchema).default([]),
  calendar: TeamCalendarSchema.optional().describe("Omitted: the team works every day its reps' working hours say."),
  leadEmails: z
    .array(z.email())
    .max(20)
    .optional()
    .describe(
      "The team's leads (docs/notifications.md): told of SLA warnings, breaches and escalations of the team's leads; a person " +
        'with that e-mail is reached with their preferences, else the address as is.',
    ),
});

const TimeRangeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM-HH:MM, 24-hour, e.g. 09:00-17:30');

export const WorkingHoursSchema = z
  .strictObject({
    mon: z.array(TimeRangeSchema).default([]),
    tue: z.array(TimeRangeSchema).default([]),
    wed: z.array(TimeRangeSchema).default([]),
    thu: z.array(TimeRangeSchema).default([]),
    fri: z.array(TimeRangeSchema).default([]),
    sat: z.array(TimeRangeSchema).default([]),
    sun: z.array(TimeRangeSchema).default([]),
  })
  .describe("Ranges in the rep's own time zone; a day without ranges is a day off.");

export const TerritorySchema = z
  .strictObject({
    jurisdictions: z.array(JurisdictionSchema).default([]),
    postalPrefixes: z.array(z.string().min(1)).default([]),
    timeZones: z.array(z.string().min(1)).default([]),
  })
  .describe('Where a rep prefers to sell; used by the territory strategy, never as a licence.');

export const RepSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  team: IdSchema,
  email: z.email().optional(),
  managerEmail: z
    .email()
    .optional()
    .describe("The rep's manager (docs/notifications.md): told when the rep's licences or carrier appointments are expiring."),
  timeZone: z.string().min(1).describe('IANA time zone, e.g. Europe/London.'),
  workingHours: WorkingHoursSchema.optional().describe('Omitted: always available.'),
  outOfOffice: z
    .array(
      z.strictObject({
        from: DateOrInstantSchema,
        to: DateOrInstantSchema,
        reason: z.string().optional(),
        importedFrom: z
          .string()
          .max(300)
          .optional()
          .describe('Set on periods imported from a calendar feed; the next import replaces them, manual periods stay.'),
      }),
    )
    .default([])
    .describe("Day-only dates are whole days in the rep's time zone, `to` inclusive."),
  status: z
    .enum(['active', 'paused', 'inactive', 'left'])
    .default('active')
    .describe('Only active reps take leads; left: the rep has left the firm (kept so old decisions and licences still resolve).'),
  capacity: z
    .strictObject({
      maxOpenLeads: z.number().int().positive().optional(),
      maxLeadsPerDay: z.number().int().positive().optional(),
    })
    .default({}),
  skills: z.array(IdSchema).default([]),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/, 'ISO 639 language code, lower case')).default([]),
  experience: ExperienceLevelSchema.default('intermediate'),
  weight: z.number().positive().max(1000).default(1),
  territory: TerritorySchema.optional(),
  massMarketOnly: z.boolean().default(false),
  capabilities: z.array(CapabilitySchema).default([]),
  bookingUrl: z
    .string()
    .max(2000)
    .superRefine((template, ctx) => {
      for (const message of bookingUrlProblems(template)) ctx.addIssue({ code: 'custom', message });
    })
    .optional()
    .describe(
      'Booking page a form prospect is sent to when this rep is assigned (docs/sources.md "Booking hand-off"): https (http on ' +
        'loopback only), placeholders {name} {firstName} {lastName} {email} (filled only with consent) and {leadId}.',
    ),
});
export type RepConfig = z.infer<typeof RepSchema>;

export const GrantStatusSchema = z.enum(['active', 'suspended', 'revoked', 'lapsed']);

export const LicenceGrantSchema = z
  .strictObject({
    id: IdSchema,
    holder: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('firm'), entity: IdSchema }),
      z.strictObject({ kind: z.literal('individual'), rep: IdSchema }),
    ]),
    regulator: z.string().min(1).describe('FCA, CBI, BaFin, DFSA, CBUAE, TX-TDI, FINRA …'),
    jurisdiction: JurisdictionSchema,
    activity: z.string().min(1).describe('Permission / line of authority, e.g. advising_on_investments, insurance_producer, series_6.'),
    productLines: z.array(IdSchema).min(1),
    customerTypes: z.array(CustomerTypeSchema).min(1),
    basis: z.enum(['home', 'branch', 'cross_border_passport', 'state_licence', 'registration', 'certification']).default('home'),
    validFrom: DateOrInstantSchema,
    validTo: DateOrInstantSchema.optional(),
    timeZone: z
      .string()
      .min(1)
      .optional()
      .describe('IANA zone in which day-only validFrom/validTo are read (e.g. America/Los_Angeles for a California licence); default UTC.'),
    status: GrantStatusSchema.default('active'),
    sourceRef: z.string().optional().describe('Registry snapshot the grant came from (e.g. NIPR 2026-11-23, FCA FS Register).'),
  })
  .describe('A licence grant (docs/routing.md "Licence coverage").');
export type LicenceGrantConfig = z.infer<typeof LicenceGrantSchema>;

export const CarrierSchema = z.strictObject({ id: IdSchema, name: z.string().min(1) });

export const CarrierAppointmentSchema = z.strictObject({
  id: IdSchema,
  rep: IdSchema,
  carrier: IdSchema,
  jurisdiction: JurisdictionSchema,
  productLines: z.array(IdSchema).min(1),
  validFrom: DateOrInstantSchema,
  validTo: DateOrInstantSchema.optional(),
  timeZone: z.string().min(1).optional().describe('IANA zone in which day-only dates are read; default UTC.'),
  status: GrantStatusSchema.default('active'),
  sourceRef: z.string().optional(),
});

export const SuitabilityPolicySchema = z
  .strictObject({
    statusValidityMonths: z
      .record(CustomerStatusKindSchema, z.number().int().positive())
      .default({ hnw: 12, sophisticated: 12, accredited: 12, qualified_purchaser: 12, assessed_professional: 12 }),
    classificationEvidenceValidityMonths: z
      .number()
      .int()
      .positive()
      .default(12)
      .describe('Elective/per-se professional and ECP evidence expires; the customer then reverts to retail.'),
    electiveProfessional: z
      .strictObject({
        minCriteria: z.number().int().min(1).max(3).default(2),
        portfolioOver: z.number().positive().default(500_000),
        significantTradesPerQuarter: z.number().int().positive().default(10).describe('Average per quarter over quartersObserved.'),
        quartersObserved: z.number().int().positive().default(4),
        minYearsInFinance: z.number().positive().default(1),
      })
      .default({ minCriteria: 2, portfolioOver: 500_000, significantTradesPerQuarter: 10, quartersObserved: 4, minYearsInFinance: 1 }),
    perSeLargeUndertaking: z
      .strictObject({
        minCriteria: z.number().int().min(1).max(3).default(2),
        balanceSheetAtLeast: z.number().positive().default(20_000_000),
        turnoverAtLeast: z.number().positive().default(40_000_000),
        ownFundsAtLeast: z.number().positive().default(2_000_000),
      })
      .default({ minCriteria: 2, balanceSheetAtLeast: 20_000_000, turnoverAtLeast: 40_000_000, ownFundsAtLeast: 2_000_000 }),
    appropriateness: z
      .strictObject({
        requiredForComplexProductsFor: z.array(CustomerTypeSchema).default(['retail']),
        validityMonths: z.number().int().positive().default(24),
      })
      .default({ requiredForComplexProductsFor: ['retail'], validityMonths: 24 }),
    pep: z
      .strictObject({ mode: z.enum(['edd_teams', 'hold']).default('edd_teams') })
      .default({ mode: 'edd_teams' })
      .describe('PEP leads go only to teams with enhanced_due_diligence, or are held for review.'),
  })
  .describe('Suitability and customer classification policy (docs/routing.md "Customer profile"); every number is data.');
export type SuitabilityPolicy = z.infer<typeof SuitabilityPolicySchema>;

export const CustomFieldSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
  type: z.enum(['string', 'number', 'boolean', 'string[]']),
  description: z.string().optional(),
});

export const PoolMemberSchema = z.strictObject({
  rep: IdSchema,
  weight: z.number().positive().max(1000).optional().describe("The member's weight in this pool; omitted: the rep's own weight."),
  cap: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Most leads this pool gives the member per day (the rep's local calendar day); the rep's own capacity still applies. " +
        'Omitted: no cap.',
    ),
});

export const PoolSchema = z
  .strictObject({
    id: IdSchema,
    name: z.string().min(1),
    description: z.string().optional(),
    members: z
      .array(PoolMemberSchema)
      .optional()
      .describe("Omitted: an open pool — every eligible rep at the rep's own weight, exactly as a pool named only in a rule."),
  })
  .describe('A named round-robin pool (docs/routing.md "Declared pools"): a step naming it picks only among its members.');

export const RuleOutcomeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('route'),
    teams: z.union([z.array(IdSchema).min(1), z.literal('all')]).describe('Candidate teams in priority order, or all teams.'),
    strategy: z.array(StrategyStepSchema).default([]).describe('Strategy chain; weighted round robin is appended if no step picks.'),
    respectWorkingHours: z.boolean().default(true),
    fallback: FallbackSchema.optional().describe(
      "Where this rule's unregulated leads go when no candidate rep may take them; omitted: the org's fallback.",
    ),
  }),
  z.strictObject({ kind: z.literal('refuse'), reasonCode: z.string().regex(/^[A-Z][A-Z0-9_]*$/), note: z.string().optional() }),
  z.strictObject({ kind: z.literal('hold'), reasonCode: z.string().regex(/^[A-Z][A-Z0-9_]*$/), note: z.string().optional() }),
  z.strictObject({ kind: z.literal('nurture'), note: z.string().optional() }),
]);

export const RuleSchema = z.strictObject({
  id: IdSchema,
  description: z.string().optional(),
  when: ConditionSchema.optional().describe('Omitted: always matches.'),
  then: RuleOutcomeSchema,
});
export type RuleConfig = z.infer<typeof RuleSchema>;

export const OrgConfigSchema = z.strictObject({
  version: z.string().min(1).optional().describe('Author-given label; the content hash is the identity.'),
  firm: FirmSchema,
  products: z.array(ProductSchema).min(1),
  carriers: z.array(CarrierSchema).default([]),
  teams: z.array(TeamSchema).min(1),
  reps: z.array(RepSchema).default([]),
  licences: z.array(LicenceGrantSchema).default([]),
  appointments: z.array(CarrierAppointmentSchema).default([]),
  suitability: SuitabilityPolicySchema.default(SuitabilityPolicySchema.parse({})),
  customFields: z.array(CustomFieldSchema).default([]),
  customerTypes: z
    .array(CustomerTypeSchema)
    .min(1)
    .optional()
    .describe(
      "The org's customer types; the first is a lead's type when it names none. Omitted: MiFID's retail, professional, " +
        'eligible_counterparty. Regulated lines use only MiFID\'s (docs/routing.md "Customer types").',
    ),
  screening: ScreeningPolicySchema.default(() => ScreeningPolicySchema.parse({})).describe(
    'Screening policy (docs/screening.md): review line, corroboration weights, hard contradictions.',
  ),
  scoring: ScoringModelSchema.optional().describe('Points model (docs/intake.md); without one, every lead is qualified.'),
  sources: SourcesSchema.default({ forms: [], crm: [] }).describe(
    'Web forms and CRM webhooks: field mappings and abuse protection (docs/sources.md).',
  ),
  limits: IntakeLimitsSchema.optional().describe(
    'Intake limits per API key and per lead source (leads per minute, burst, requests at once) and batch slicing ' +
      '(docs/operations.md "Intake limits"); omitted: no limits, batches in turns of 10 leads.',
  ),
  sla: SlaSchema.optional().describe(
    'SLA windows, working-time counting and escalation (docs/conduct.md); omitted: the defaults (accept 15 min, first contact 2 h, ' +
      'working ' +
      'time, escalate on the 2nd miss).',
  ),
  conduct: ConductPolicySchema.optional().describe(
    "The firm's conduct policy (docs/conduct.md); omitted: the defaults (facts dated at most 24 h back).",
  ),
  retention: RetentionSchema.optional().describe(
    'Retention periods per data category (docs/audit.md, docs/operations.md); omitted: decision records 6 years, the rest kept until ' +
      'erased.',
  ),
  access: AccessPolicySchema.optional().describe(
    'People and sign-in (docs/access.md): segregation of duties, maker-checker for org versions, passwords, single sign-on; omitted: ' +
      'the defaults (30 days, compliance approves, 12-character passwords locked after 5 failures, no SSO).',
  ),
  pools: z
    .array(PoolSchema)
    .optional()
    .describe(
      'Round-robin pools with members, weights and caps (docs/routing.md "Declared pools"); once declared, every round-robin step ' +
        "must name one (or 'default'). Omitted: pools are plain names in the steps, every eligible rep takes part.",
    ),
  roster: RosterPolicySchema.optional().describe(
    'Roster behaviour and alerts (docs/operations.md "Day-to-day for sales ops"): automatic reassignment when a rep is paused, ' +
      "leaves or loses a licence, who takes a leaver's accounts, auto-away after idle minutes, Roster page alerts; omitted: every " +
      'reassignment switch on, accounts kept, no auto-away, no alerts.',
  ),
  notifications: NotificationsPolicySchema.optional().describe(
    'Notification channels, templates and timing (docs/notifications.md): shared Slack/Teams channels, per-event templates, ' +
      "whether messages may carry the prospect's details, events that skip quiet hours and digests; omitted: e-mail and inbox " +
      'only, built-in templates, no personal data, no urgent events.',
  ),
  regulation: RegulationSchema.optional(),
  fallback: FallbackSchema.optional(),
  defaultProduct: IdSchema.optional().describe(
    'Product given to a lead sent without one, when the product is unregulated where the lead is (docs/intake.md); omitted: ' +
      'product is required.',
  ),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code, upper case (e.g. US)')
    .optional()
    .describe(
      'Country given to a lead sent without address.country (a chat or e-mail-only lead, docs/intake.md); omitted: ' +
        'the country is required.',
    ),
  segments: SegmentsSchema.optional(),
  enrichment: EnrichmentSchema.optional(),
  accountMatching: AccountMatchingSchema.optional(),
  crmWriteBack: CrmWriteBackSchema.optional().describe(
    'CRM write-back (docs/crm.md): per connection, which leads are written back to HubSpot or Salesforce, the API base, OAuth2 ' +
      'credentials by environment variable, rep → CRM user ids, status and field names; omitted: nothing is written back.',
  ),
  rules: z.array(RuleSchema).min(1),
});
export type OrgConfig = z.infer<typeof OrgConfigSchema>;

/** Top-level sections; a config directory may spread them over several files. */
export const ORG_SECTIONS = Object.keys(OrgConfigSchema.shape) as readonly (keyof OrgConfig)[];
