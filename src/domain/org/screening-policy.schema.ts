import { z } from 'zod';

const RAISES = "Adds to the hit's priority score; may lift a weaker name over the review line.";
const LOWERS = "Lowers the hit's priority score only; never takes a name match below review.";
const Raise = (dflt: number, what: string) => z.number().min(0).max(1).default(dflt).describe(`${what} ${RAISES}`);
const Lower = (dflt: number, what: string) => z.number().min(-1).max(0).default(dflt).describe(`${what} ${LOWERS}`);
/** Where a person lives says little about who they are: a bounded, weak signal either way. */
const Weak = (dflt: number, what: string) => z.number().min(-0.05).max(0.05).default(dflt).describe(`${what} Weak: within ±0.05.`);

/** How each corroborating fact moves a hit's priority score (docs/screening.md). */
export const CorroborationWeightsSchema = z.strictObject({
  dobExact: Raise(0.1, 'Full date of birth equal to a listed one.'),
  dobCompatible: Raise(0.05, 'Date of birth agrees at the precision the list publishes (year, month, range).'),
  dobNear: Lower(-0.05, 'Date of birth one year off or a typo-level difference.'),
  dobMismatch: Lower(-0.2, 'Date of birth differs from every listed one.'),
  nationalityMatch: Raise(0.05, 'Declared nationality equals a listed nationality or country.'),
  nationalityMismatch: Lower(-0.1, 'Declared nationality differs from every listed nationality.'),
  residenceMatch: Weak(0.02, "The lead's address country is a listed nationality or country."),
  residenceMismatch: Weak(-0.01, "The lead's address country is not a listed nationality or country (people live abroad)."),
  countryMismatch: Lower(-0.03, "An organisation's country differs from its listed countries."),
  identifierMatch: Raise(0.3, 'An identifier (passport, registration number…) equal to a listed one.'),
  // optional without a default: configs written before it keep their canonical form (matcher.ts applies -0.3)
  identifierMismatch: z
    .number()
    .min(-1)
    .max(0)
    .optional()
    .describe(
      'A company identifier of the same kind (LEI) differs from the listed one: lowers the priority score (default -0.3). ' +
        "A different IMO or MMSI number is a different ship and clears the hit (sister ship); this weight is that fact's effect.",
    ),
  weakAliasFactor: z
    .number()
    .gt(0)
    .max(1)
    .default(0.9)
    .describe('A name matched only through a weak (low-quality) alias counts for this fraction of its score.'),
  nameFactor: z
    .number()
    .gt(0)
    .max(1)
    .default(0.95)
    .describe('The name score is scaled by this in the priority score, so that corroboration can still order exact names.'),
});
export type CorroborationWeights = z.infer<typeof CorroborationWeightsSchema>;

/**
 * A contradiction that may, on the lists named here only, take a strong name match below review (docs/screening.md):
 * both dates of birth complete (year, month and day), further apart than `dobYearsApart` years, and not a near miss
 * (partial-date.ts compareDob: dates in adjacent years are one slip of a digit, so even at `dobYearsApart` 1 they never
 * clear a hit).
 */
export const HardContradictionSchema = z.strictObject({
  dobYearsApart: z
    .number()
    .int()
    .min(1)
    .max(150)
    .default(10)
    .describe('Full dates of birth more than this many years apart, and not in adjacent years (a near miss), are a hard contradiction.'),
  mayClearLists: z
    .array(z.string().min(1))
    .default([])
    .describe('List ids on which a hard contradiction may clear a strong name match; default none (every strong name match is reviewed).'),
});

/**
 * The name-comparison parameters screening uses (docs/screening.md, "Name comparison in the policy"). Every key is
 * optional without a zod default: an omitted key takes the screening default (`SCREENING_COMPARE_PARAMS` in
 * src/screening/name-compare.ts, the one source of the values), and an org that sets none keeps the canonical form
 * and org hash it had. Whatever is set or defaulted, the recorded screening policy carries the values used
 * (src/screening/screening-compare-params.ts), so a changed default is a new policy hash. Bounds keep each
 * parameter on its side: a conflict or extra name always costs, a conflict factor never raises a score.
 */
export const NameCompareSettingsSchema = z.strictObject({
  conflictCost: z
    .number()
    .min(1)
    .max(10)
    .optional()
    .describe('Cost of a name part unmatched on both sides (a different given name or surname); default 2.5.'),
  extraCost: z
    .number()
    .min(0)
    .max(2)
    .optional()
    .describe("Cost of a person's name part present on one side only (an extra middle name); screening default 0.25."),
  extraCostOrg: z
    .number()
    .min(0)
    .max(2)
    .optional()
    .describe('Cost of an organisation or vessel name word present on one side only; default 0.5.'),
  extraCostActivity: z
    .number()
    .min(0)
    .max(2)
    .optional()
    .describe(
      'Cost of a company or vessel name word saying what the firm does (Ship Finance / Shipping) on one side only; ' +
        'default 0.75 (at or below extraCostOrg: off).',
    ),
  minTokenSim: z.number().min(0.7).max(1).optional().describe('Minimum similarity for two name parts to count as matched; default 0.8.'),
  numberConflictFactor: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Score factor when both names carry numbers that disagree; default 0.75.'),
  numberOneSideFactor: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe(
      'Companies and vessels: score factor when one name carries a sequence number and the other none (Fund II / Fund); default 0.85.',
    ),
  legalFormConflictFactor: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Score factor when both organisations carry legal forms of different classes (AG vs GmbH); default 0.92.'),
  vesselOwnerFactor: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Score factor for a vessel name against a company name (a legal form on one side only); default 0.85.'),
  jurisdictionFactor: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Score factor when only one organisation name names a country ("Acme (UK) Ltd"); default 0.9.'),
  distinctPlurals: z
    .boolean()
    .optional()
    .describe('Companies and vessels: a word and its plural are different names (sister ships); default true.'),
  distinctDictionaryWords: z
    .boolean()
    .optional()
    .describe('Companies and vessels: two different dictionary words are different names (Exports / Experts); default true.'),
  distinctSoundingWords: z
    .boolean()
    .optional()
    .describe(
      'Companies and vessels: two words two letters or more apart with as many consonant sounds but other ones are ' +
        'different names (Karimi / Kariuki); default true.',
    ),
  distinctGenderedForms: z
    .boolean()
    .optional()
    .describe("People: a name's masculine and feminine forms are different names (Luis / Luisa, Ivanov / Ivanova); default false."),
  distinctPatronymics: z
    .boolean()
    .optional()
    .describe('People: a given name and the surname made from it with -s are different names (Owen / Owens); default false.'),
  distinctDerivedNames: z
    .boolean()
    .optional()
    .describe(
      'People: a family name and one derived from it by a suffix are different names (Lind / Linder, Willis / Williams); ' +
        'default false (the same person may drop or add a surname suffix: Rahmonov / Rahmon).',
    ),
  personFuzzyStretch: z
    .number()
    .min(0)
    .max(5)
    .optional()
    .describe('People: a spelling-level match counts for 1 - (1 - similarity) x (1 + this); screening default 2.'),
  personSkeletonStretch: z
    .number()
    .min(0)
    .max(5)
    .optional()
    .describe('People: the same stretch for consonant-skeleton matches (Arabic or Hebrew script vs Latin); screening default 0.2.'),
  unmatchedSyllableWeight: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      'People: an unmatched CJK or Hangul syllable (against a name in that script, also a Latin word spelling a Chinese syllable) ' +
        'weighs at least this (0 keeps its token weight); screening default 1.',
    ),
});
export type NameCompareSettings = z.infer<typeof NameCompareSettingsSchema>;

/**
 * The OFAC 50 % rule (docs/screening.md "Ownership"): a company owned, in aggregate and through chains, at least
 * `thresholdPercent` by listed parties is held like a listed one. Optional without a default (off), so orgs that do
 * not use it keep their canonical form and hash.
 */
export const OwnershipPolicySchema = z.strictObject({
  aggregateHold: z
    .strictObject({
      enabled: z.boolean().describe('Hold a lead matching an entity owned at least thresholdPercent by listed parties.'),
      thresholdPercent: z
        .number()
        .gt(0)
        .max(100)
        .default(50)
        .describe('Aggregate ownership by listed parties (direct, and through entities they own at least this much) that holds; OFAC: 50.'),
    })
    .describe('OFAC 50 % rule over FollowTheMoney Ownership records; off unless enabled.'),
});

/**
 * The screening policy (docs/screening.md): the name score decides whether a hit needs review; corroborating facts
 * raise or order it. Part of the org config, so it is versioned with the org hash and recorded per screening.
 */
export const ScreeningPolicySchema = z.strictObject({
  reviewThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.9)
    .describe('A hit whose name score is at or above this holds the lead for compliance (docs/screening.md).'),
  screenCompanies: z.boolean().default(true).describe('Screen the company name as well as the person.'),
  escalateAt: z
    .number()
    .gt(0)
    .max(2)
    .default(0.1)
    .describe('A reviewed hit whose corroboration adds at least this much (an exact DOB, an identifier) is escalated: reviewed first.'),
  corroboration: CorroborationWeightsSchema.default(() => CorroborationWeightsSchema.parse({})),
  hardContradiction: HardContradictionSchema.default(() => HardContradictionSchema.parse({})),
  ownership: OwnershipPolicySchema.optional().describe('Ownership by listed parties (OFAC 50 % rule); off when omitted.'),
  nameCompare: NameCompareSettingsSchema.optional().describe(
    'Name-comparison parameters for screening (docs/screening.md); each omitted key takes the screening default, ' +
      'and the values used are recorded with every screening.',
  ),
});
export type ScreeningPolicy = z.infer<typeof ScreeningPolicySchema>;

export const DEFAULT_SCREENING_POLICY: ScreeningPolicy = ScreeningPolicySchema.parse({});
