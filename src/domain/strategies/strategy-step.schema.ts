import { z } from 'zod';

const Experience = z.enum(['junior', 'intermediate', 'senior', 'expert']);

/** Lead attributes a skills-match step can compare with rep skills (attribute-match.ts reads each). */
export const SKILL_SOURCES = ['product', 'company.segment', 'company.industry', 'company.tags', 'company.region'] as const;
export type SkillSource = (typeof SKILL_SOURCES)[number];

/** Strategy chain steps (docs/routing.md). Each narrows the eligible set or picks; the chain falls through. */
export const StrategyStepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('account-owner') }).describe("The matched account's owner, if still eligible."),
  z
    .strictObject({ kind: z.literal('contact-owner') })
    .describe("The rep of the person's earlier lead (same email or phone), if still eligible."),
  z
    .strictObject({ kind: z.literal('team-priority') })
    .describe("Keep reps of the first team, in the rule's order, that has eligible reps."),
  z
    .strictObject({
      kind: z.literal('score-tier'),
      tiers: z.array(z.strictObject({ minScore: z.number(), experience: z.array(Experience).min(1) })).min(1),
    })
    .describe('Hot leads to top reps: the first tier whose minScore the lead reaches narrows to those experience levels.'),
  z
    .strictObject({
      kind: z.literal('deal-value-tier'),
      tiers: z.array(z.strictObject({ minValue: z.number().nonnegative(), experience: z.array(Experience).min(1) })).min(1),
    })
    .describe('Large deals to experienced reps.'),
  z
    .strictObject({
      kind: z.literal('skills-match'),
      match: z
        .array(z.enum(SKILL_SOURCES))
        .min(1)
        .optional()
        .describe(
          'What of the lead a skill may name, tried together: product (the product or its lines), company.segment, ' +
            'company.industry (the code or any of its 2+ digit prefixes: skill "54" covers NAICS 541511), company.tags, ' +
            'company.region. Omitted: product.',
        ),
    })
    .describe("Prefer reps whose skills name the lead's product or lines, or (with match) its segment, industry, tags or region."),
  z
    .strictObject({
      kind: z.literal('company-size-tier'),
      tiers: z.array(z.strictObject({ minEmployees: z.number().int().nonnegative(), experience: z.array(Experience).min(1) })).min(1),
    })
    .describe('Bigger companies to experienced reps: the first tier (largest first) whose minEmployees the company reaches.'),
  z.strictObject({ kind: z.literal('language-match') }).describe("Prefer reps who speak the lead's language."),
  z
    .strictObject({ kind: z.literal('territory') })
    .describe('Prefer reps whose territory covers the lead (jurisdiction, postal prefix, time zone).'),
  z.strictObject({ kind: z.literal('least-loaded') }).describe('Prefer reps with the lowest open load relative to their cap (or weight).'),
  z
    .strictObject({
      kind: z.literal('weighted-round-robin'),
      pool: z
        .string()
        .min(1)
        .default('default')
        .describe('A declared pool id (only its members, with their pool weights and caps) or, in an org without `pools`, a ledger name.'),
    })
    .describe('Exactly fair over time: picks the rep with the largest shortfall against its weighted target.'),
  z
    .strictObject({
      kind: z.literal('outcome-aware'),
      pool: z.string().min(1).default('default').describe('The round-robin ledger the fairness guard reads and writes.'),
      minOutcomes: z.number().int().min(1).default(10).describe('A rep, team or segment with fewer closed outcomes is not learned from.'),
      teamPriorStrength: z
        .number()
        .positive()
        .default(10)
        .describe("Pseudo-outcomes of the team's rate behind each rep (docs/outcome-routing.md)."),
      globalPriorStrength: z.number().positive().default(20).describe("Pseudo-outcomes of the segment's global rate behind each team."),
      fairness: z
        .strictObject({
          band: z.number().positive().max(1).describe("x: each rep's share stays within its weighted target ± x."),
          window: z.number().int().min(10).describe('Over any this many consecutive leads of the pool.'),
        })
        .refine((f) => f.band * f.window >= 4, {
          message: 'band × window must be at least 4 leads: a narrower band cannot hold while the model still chooses',
          path: ['window'],
        })
        .default({ band: 0.1, window: 100 }),
      propensitySamples: z
        .number()
        .int()
        .min(10)
        .max(10_000)
        .default(200)
        .describe('Monte Carlo draws per decision for the selection probabilities.'),
    })
    .describe(
      'Learns who converts: Thompson sampling over a rep × segment conversion model, inside the lawful set and a ' +
        'fairness band (docs/outcome-routing.md).',
    ),
]);
export type StrategyStepConfig = z.infer<typeof StrategyStepSchema>;
