import { z } from 'zod';
import { CustomerSchema } from '../lead/lead.schema.ts';
import { IsoDateSchema, IsoInstantSchema } from '../org/org-config.schema.ts';

/**
 * The raw lead an integrator posts (HTTP `POST /v1/leads`, CSV rows, form posts after mapping).
 * Strict about types and shape (unknown fields are errors: a typo must not silently drop data),
 * lenient about formatting (surrounding whitespace, case, national phone formats, country names,
 * state names …): normalise-lead.ts turns this into the routing form. Every string has a maximum
 * length and every list a maximum size, so a hostile payload is rejected cheaply.
 *
 * Blank optional strings ("" or only spaces, as web forms send them) count as absent.
 */

export const INTAKE_LIMITS = {
  id: 128,
  shortText: 64,
  name: 100,
  companyName: 200,
  email: 254,
  phone: 40,
  url: 2048,
  addressLine: 200,
  postalCode: 20,
  wording: 4000,
  customKeys: 50,
  customKey: 64,
  customString: 1000,
  customList: 50,
  channels: 10,
  tags: 50,
} as const;

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const requiredText = (max: number) => text(max).min(1, 'required');

const CountSchema = z.number().int().nonnegative().max(1_000_000);

/** Names are optional (a chat or ads lead may carry only an email); a contact point is required (see IntakeLeadSchema). */
export const IntakePersonSchema = z.strictObject({
  firstName: text(INTAKE_LIMITS.name).optional(),
  lastName: text(INTAKE_LIMITS.name).optional(),
  email: text(INTAKE_LIMITS.email).optional(),
  phone: text(INTAKE_LIMITS.phone).optional(),
  dateOfBirth: IsoDateSchema.optional().describe('YYYY-MM-DD'),
});

/**
 * Firmographics (docs/intake.md "Company data"). The industry's code system stays explicit: `naics`
 * (2–6 digits) or `sic` (2–4 digits) codes, or `industry` as free text; the routing form keeps the
 * first of naics, sic, text. Missing fields may be filled by enrichment before routing.
 */
export const IntakeCompanySchema = z.strictObject({
  name: text(INTAKE_LIMITS.companyName).optional(),
  website: text(INTAKE_LIMITS.url).optional(),
  domain: text(INTAKE_LIMITS.url).optional().describe('The company web domain; omitted: taken from website, else a business email.'),
  employees: CountSchema.optional(),
  email: text(INTAKE_LIMITS.email).optional().describe("The organisation's own address (sales@…), for an organisation lead."),
  phone: text(INTAKE_LIMITS.phone).optional().describe("The organisation's switchboard, for an organisation lead."),
  annualRevenue: z.number().finite().nonnegative().max(1e13).optional(),
  revenueCurrency: text(8).optional().describe('ISO 4217 currency of annualRevenue, any case.'),
  industry: text(INTAKE_LIMITS.companyName).optional().describe('Industry as free text ("Software").'),
  naics: text(8)
    .regex(/^\d{2,6}$/, 'a NAICS code: 2 to 6 digits')
    .optional(),
  sic: text(8)
    .regex(/^\d{2,4}$/, 'a SIC code: 2 to 4 digits')
    .optional(),
  country: text(INTAKE_LIMITS.shortText).optional().describe("The company's country (ISO 3166-1 code or English name)."),
  region: text(INTAKE_LIMITS.shortText).optional().describe('Sales region as the integrator names it (EMEA, NA-West …).'),
  tags: z
    .array(text(INTAKE_LIMITS.shortText).min(1, 'required'))
    .max(INTAKE_LIMITS.tags)
    .optional()
    .describe('Technographic tags (salesforce, aws …); compared in lower case.'),
  lei: text(32).optional().describe('Legal Entity Identifier (ISO 17442, 20 characters); screened as a company identifier.'),
  registrationNumber: text(INTAKE_LIMITS.shortText)
    .optional()
    .describe('Company registration number as registered; screened as an identifier.'),
  imoCompanyNumber: text(32)
    .optional()
    .describe(
      'IMO unique company and registered owner identification number of a ship owner or manager (7 digits, the last a ' +
        'check digit: "5571322" or "IMO company 5571322"); screened as a company identifier, decisive when equal to a listed one.',
    ),
});

/**
 * A ship the lead concerns (docs/intake.md "Vessels and company identifiers"): screened as a vessel, its IMO number
 * and MMSI decisive when equal to a listed one, its former names screened like its name.
 */
export const IntakeVesselSchema = z.strictObject({
  name: text(INTAKE_LIMITS.companyName).optional(),
  imo: text(16).optional().describe('IMO ship number: 7 digits, the last a check digit ("9187629" or "IMO 9187629").'),
  mmsi: text(16).optional().describe('Maritime Mobile Service Identity: 9 digits.'),
  callSign: text(16).optional(),
  flag: text(INTAKE_LIMITS.shortText).optional().describe('Flag state: ISO 3166-1 code or English name.'),
  formerNames: z.array(text(INTAKE_LIMITS.companyName).min(1, 'required')).max(20).optional().describe('Former ("ex-") names.'),
});

export const IntakeAddressSchema = z.strictObject({
  country: text(INTAKE_LIMITS.shortText)
    .optional()
    .describe('ISO 3166-1 alpha-2 or alpha-3, or an English name ("United Kingdom", "UK"). Omitted: the configured default country.'),
  subdivision: text(INTAKE_LIMITS.shortText).optional().describe('ISO 3166-2 code ("US-TX" or "TX") or name ("Texas").'),
  state: text(INTAKE_LIMITS.shortText).optional().describe('Alias of subdivision (for US-style forms).'),
  postalCode: text(INTAKE_LIMITS.postalCode).optional(),
  city: text(INTAKE_LIMITS.name).optional(),
  line1: text(INTAKE_LIMITS.addressLine).optional(),
});

export const ConsentChannelSchema = z.enum(['email', 'phone', 'sms', 'post', 'messaging']);
export const LawfulBasisSchema = z
  .enum(['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'])
  .describe('GDPR Art. 6(1) lawful basis for processing the personal data (docs/audit.md).');

export const IntakeConsentSchema = z.strictObject({
  marketing: z.boolean(),
  channels: z.array(ConsentChannelSchema).max(INTAKE_LIMITS.channels).optional(),
  wording: requiredText(INTAKE_LIMITS.wording).describe('The consent text the prospect saw, verbatim.'),
  capturedAt: IsoInstantSchema,
  lawfulBasis: LawfulBasisSchema,
});

export const IntakeBehaviourSchema = z.strictObject({
  pageViews: CountSchema.optional(),
  formSubmissions: CountSchema.optional(),
  emailClicks: CountSchema.optional(),
  lastActivityAt: IsoInstantSchema.optional(),
});

const CustomValueSchema = z.union([
  z.string().max(INTAKE_LIMITS.customString),
  z.number().finite(),
  z.boolean(),
  z.array(z.string().max(INTAKE_LIMITS.customString)).max(INTAKE_LIMITS.customList),
]);

export const IntakeCustomSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(INTAKE_LIMITS.customKey)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
    CustomValueSchema,
  )
  .refine((r) => Object.keys(r).length <= INTAKE_LIMITS.customKeys, `at most ${INTAKE_LIMITS.customKeys} custom fields`);

export const IntakeLeadSchema = z
  .strictObject({
    externalId: text(INTAKE_LIMITS.id).optional().describe("The integrator's own id for the lead (idempotency, CRM sync)."),
    source: requiredText(INTAKE_LIMITS.shortText).describe('web_form, google_ads, partner:acme, csv …'),
    product: text(INTAKE_LIMITS.id)
      .regex(/^([A-Za-z0-9][A-Za-z0-9_.:-]*)?$/, 'a product id: letters, digits and _ . : -')
      .optional()
      .describe("Product id as configured in the org; optional where the org's defaultProduct is unregulated (docs/intake.md)."),
    person: IntakePersonSchema.optional().describe('Omitted: an organisation lead (company with its own contact point).'),
    company: IntakeCompanySchema.optional(),
    vessel: IntakeVesselSchema.optional().describe('A ship the lead concerns; screened as a vessel (docs/screening.md).'),
    address: IntakeAddressSchema.default({}),
    timeZone: text(INTAKE_LIMITS.shortText).optional().describe('IANA zone; inferred from subdivision/country when omitted.'),
    language: text(16).optional().describe('ISO 639 or a BCP 47 tag ("en", "en-GB", "de_AT").'),
    dealValue: z.number().finite().nonnegative().optional(),
    currency: text(8).optional().describe('ISO 4217, any case.'),
    customer: CustomerSchema.optional(),
    consent: IntakeConsentSchema.optional(),
    behaviour: IntakeBehaviourSchema.optional(),
    custom: IntakeCustomSchema.optional(),
  })
  .superRefine(
    (lead, ctx) => {
      // runs even when other fields failed, so the error list is complete: guard the shape
      const problem = contactPointProblem(lead as unknown);
      if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, params: { code: problem.code } });
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

const filled = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
const section = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * docs/intake.md "Who the lead is": a person (names optional) reachable by email or phone — theirs or their
 * company's — or an organisation lead without a person: a company reachable by email, phone or website.
 */
function contactPointProblem(payload: unknown): { path: string[]; message: string; code: string } | null {
  const lead = section(payload);
  if (!lead) return null;
  const person = section(lead['person']);
  const company = section(lead['company']);
  if (lead['person'] !== undefined && !person) return null; // a shape error is already reported for person
  if (!person && !company) return { path: ['person'], message: 'person or company is required', code: 'person_or_company_required' };
  const reachable = [person?.['email'], person?.['phone'], company?.['email'], company?.['phone']].some(filled);
  if (person)
    return reachable ? null : { path: ['person'], message: 'person.email or person.phone is required', code: 'email_or_phone_required' };
  return reachable || filled(company?.['website'])
    ? null
    : {
        path: ['company'],
        message: 'an organisation lead needs company.email, company.phone or company.website',
        code: 'contact_point_required',
      };
}

export type IntakeLead = z.infer<typeof IntakeLeadSchema>;
/** What an integrator may post (defaults not yet applied). */
export type IntakeLeadInput = z.input<typeof IntakeLeadSchema>;
export type IntakeConsent = z.infer<typeof IntakeConsentSchema>;
export type IntakeBehaviour = z.infer<typeof IntakeBehaviourSchema>;
