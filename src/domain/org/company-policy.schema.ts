import { z } from 'zod';

/**
 * Company data policy (docs/intake.md "Company data"): segment bands, enrichment sources and account
 * matching. Every section is optional with no defaults, so an org without them hashes as before.
 */

const SEGMENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export const SegmentBandSchema = z
  .strictObject({
    id: z.string().regex(SEGMENT_ID, 'letters, digits and _ . : - (max 64)'),
    employees: z.strictObject({ max: z.number().int().nonnegative() }).optional().describe('At most this many employees.'),
    revenue: z
      .strictObject({ max: z.number().nonnegative() })
      .optional()
      .describe('Annual revenue at most this (compared as sent: bands assume one currency).'),
  })
  .describe('A band with no dimension matches every company (a catch-all, put it last).');
export type SegmentBand = z.infer<typeof SegmentBandSchema>;

export const SegmentsSchema = z
  .array(SegmentBandSchema)
  .min(1)
  .superRefine((bands, ctx) => {
    const seen = new Set<string>();
    bands.forEach((b, i) => {
      if (seen.has(b.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `segment "${b.id}" is declared twice` });
      seen.add(b.id);
    });
  })
  .describe(
    'Company segments by size, in order; the first band the company fits is company.segment (docs/intake.md "Segments"). ' +
      'Within a band every dimension the lead has must fit; a dimension the lead lacks is not held against it, but a band ' +
      'with dimensions needs at least one known.',
  );

/** Dotted path into the enrichment response → the company field it fills. */
export const ENRICHABLE_FIELDS = [
  'employees',
  'annualRevenue',
  'revenueCurrency',
  'industry',
  'naics',
  'sic',
  'country',
  'region',
  'tags',
] as const;

const ResponsePathSchema = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dotted path into the response JSON, e.g. "company.metrics.employees"');

export const HttpEnrichmentSchema = z.strictObject({
  url: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL')
    .describe('GET: "{domain}" in the URL is replaced by the URL-encoded domain. POST: the body is {"domain": …}.'),
  method: z.enum(['GET', 'POST']).optional().describe('Omitted: GET.'),
  timeoutMs: z.number().int().min(50).max(30_000).optional().describe('Omitted: 2000.'),
  cacheTtlSeconds: z
    .number()
    .int()
    .nonnegative()
    .max(30 * 86_400)
    .optional()
    .describe('Per-domain cache; omitted: 86400 (a day); 0: no cache.'),
  tokenEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional()
    .describe('Environment variable holding a bearer token for the endpoint (never the token itself).'),
  map: z
    .partialRecord(z.enum(ENRICHABLE_FIELDS), ResponsePathSchema)
    .refine((m) => Object.keys(m).length > 0, 'map at least one field')
    .describe('Company field → dotted path of its value in the response JSON.'),
});

export const FileEnrichmentSchema = z.strictObject({
  path: z
    .string()
    .regex(/\.(csv|json)$/i, 'a .csv or .json file')
    .describe(
      'Lookup by domain, read at start (relative to the working directory). CSV: a `domain` column and columns named as ' +
        'the company fields; JSON: an array of such objects.',
    ),
});

export const EnrichmentSchema = z
  .strictObject({
    file: FileEnrichmentSchema.optional(),
    http: HttpEnrichmentSchema.optional(),
  })
  .describe(
    'Fills missing company fields by domain before routing (docs/intake.md "Enrichment"): the file first, then the endpoint for ' +
      'what is still missing. A failure never blocks routing; what was filled, from where, or the failure is recorded.',
  );

export const AccountMatchingSchema = z
  .strictObject({
    fuzzyThreshold: z
      .number()
      .min(0.5)
      .max(1)
      .optional()
      .describe('Minimum Jaro-Winkler-based company-name score for a fuzzy account match; omitted: 0.9.'),
  })
  .describe('Account matching (docs/intake.md "Account matching").');
