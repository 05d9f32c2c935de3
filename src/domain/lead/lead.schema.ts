import { z } from 'zod';
import { ScreeningHitSummarySchema } from './screening-hit-summary.schema.ts';
import {
  CustomerStatusKindSchema,
  CustomerTypeSchema,
  IdSchema,
  IsoDateSchema,
  IsoInstantSchema,
  JurisdictionSchema,
} from '../org/org-config.schema.ts';

/**
 * A lead as the routing domain sees it: already validated and normalised (the ingestion pipeline
 * turns raw payloads into this). Personal contact data is carried but never used for routing.
 */
const DateSchema = z.union([IsoDateSchema, IsoInstantSchema]);

export const ClassificationSchema = z.strictObject({
  category: CustomerTypeSchema.default('retail'),
  basis: z
    .enum(['default', 'per_se', 'elective'])
    .default('default')
    .describe('per_se / elective professional need evidence; default is the declared category as is.'),
  evidenceDate: DateSchema.optional(),
  criteria: z
    .strictObject({
      portfolioValue: z.number().nonnegative().optional(),
      significantTradesPerQuarter: z.array(z.number().int().nonnegative()).optional(),
      yearsInFinance: z.number().nonnegative().optional(),
      balanceSheet: z.number().nonnegative().optional(),
      turnover: z.number().nonnegative().optional(),
      ownFunds: z.number().nonnegative().optional(),
    })
    .default({}),
});

export const CustomerSchema = z.strictObject({
  kind: z.enum(['person', 'organisation']).default('person'),
  classification: ClassificationSchema.default({ category: 'retail', basis: 'default', criteria: {} }),
  statuses: z.array(z.strictObject({ kind: CustomerStatusKindSchema, certifiedAt: DateSchema })).default([]),
  appropriateness: z
    .strictObject({ assessedAt: DateSchema, result: z.enum(['appropriate', 'not_appropriate']) })
    .optional()
    .describe('Outcome of the MiFID appropriateness assessment, if one was done.'),
});

/**
 * Company data as routing sees it (docs/intake.md "Company data"): firmographics of the prospect's
 * company, after normalisation, enrichment and segment derivation. The company name is not here: it
 * stays with the contact data (it may name a sole trader) and is erasable.
 */
export const LeadCompanySchema = z.strictObject({
  domain: z.string().optional().describe('Lower case, without "www." (from website, domain or a business email).'),
  employees: z.number().int().nonnegative().optional(),
  annualRevenue: z.number().nonnegative().optional(),
  revenueCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  industry: z
    .strictObject({ system: z.enum(['naics', 'sic', 'text']), code: z.string().min(1) })
    .optional()
    .describe('The code system stays explicit; free text is lower case.'),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  region: z.string().optional(),
  tags: z.array(z.string()).optional().describe('Technographic tags, lower case, sorted, unique.'),
  segment: z.string().optional().describe('The first configured segment band the company falls in (org config `segments`).'),
});
export type LeadCompany = z.infer<typeof LeadCompanySchema>;

export const LeadSchema = z.strictObject({
  id: IdSchema,
  receivedAt: IsoInstantSchema.optional(),
  jurisdiction: JurisdictionSchema.describe('Where the prospect is: country or subdivision (US-TX).'),
  product: IdSchema,
  customer: CustomerSchema.default({
    kind: 'person',
    classification: { category: 'retail', basis: 'default', criteria: {} },
    statuses: [],
  }),
  score: z.number().optional(),
  grade: z.string().optional(),
  dealValue: z.number().nonnegative().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  source: z.string().optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .optional(),
  postalCode: z.string().optional(),
  timeZone: z.string().optional(),
  company: LeadCompanySchema.optional(),
  contact: z
    .strictObject({
      leadId: IdSchema,
      matchedBy: z.enum(['email', 'phone']),
      score: z.number().min(0).max(1),
      ownerRep: IdSchema.optional().describe("The earlier lead's rep, if it had one."),
    })
    .optional()
    .describe('An earlier lead of the same person (normalised email or E.164 phone): existing-contact matching (docs/intake.md).'),
  account: z
    .strictObject({
      id: IdSchema,
      ownerRep: IdSchema.optional(),
      tier: z.string().optional(),
      name: z.string().optional(),
      ownerFrom: IdSchema.optional().describe('The ancestor account whose owner is ownerRep, when the matched account has none itself.'),
      matchedBy: z.enum(['domain', 'company_name', 'company_fuzzy']).optional(),
      matchScore: z.number().min(0).max(1).optional().describe('1 for domain and exact-name matches; the name score for fuzzy ones.'),
    })
    .optional(),
  screening: z
    .strictObject({
      status: z.enum(['clear', 'pep', 'potential_match', 'confirmed_match', 'not_screened']).default('not_screened'),
      tags: z.array(z.string()).default([]),
      listVersions: z.array(z.string()).default([]),
      policyHash: z.string().optional().describe('Content hash of the screening policy that produced this result (set by screening).'),
      hits: z
        .array(ScreeningHitSummarySchema)
        .optional()
        .describe('Each hit with its name score, corroboration effects and disposition (set by screening).'),
    })
    .default({ status: 'not_screened', tags: [], listVersions: [] }),
  custom: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).default({}),
  qualification: z
    .strictObject({ score: z.number(), grade: z.string(), qualified: z.boolean(), threshold: z.number() })
    .optional()
    .describe('Set by the scoring model at intake (docs/intake.md); an unqualified lead goes to nurture.'),
});

export type Lead = z.infer<typeof LeadSchema>;
export type LeadInput = z.input<typeof LeadSchema>;
export type CustomerStatusKind = z.infer<typeof CustomerStatusKindSchema>;
