import { z } from 'zod';

/**
 * The lead scoring model (docs/intake.md): a points model over intake fields, grade bands and a
 * qualification threshold. A standalone schema, meant to become the `scoring` section of the org
 * config. Every criterion has an id (it names the line in the decision record's breakdown) and a
 * `kind`:
 *  - attribute:          a field equals a value / is one of values → points
 *  - range:              a number field within [gte, lt) (either bound optional) → points
 *  - behaviour_at_least: a behaviour count ≥ atLeast → points
 *  - behaviour_per_unit: pointsPerUnit × count, capped at cap
 *  - recency:            points × 0.5^(days since last activity / halfLifeDays), 0 beyond maxAgeDays
 *  - free_mail:          points (usually negative) when the email is at a free-mail domain
 * Points may be negative. The score is the sum, clamped to [clamp.min, clamp.max].
 */

// Same rule as the org config's IdSchema. Not imported: org-config.schema.ts imports this file (the
// `scoring` section), so importing it back would be a cycle.
const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'ids use letters, digits and _ . : - (max 128)');

export const AttributeFieldSchema = z.union([
  z.enum([
    'product',
    'source',
    'country',
    'jurisdiction',
    'subdivision',
    'customerType',
    'customerKind',
    'language',
    'currency',
    'emailDomain',
  ]),
  z.string().regex(/^custom\.[A-Za-z0-9_.:-]{1,64}$/, 'custom.<key>'),
]);
export type AttributeField = z.infer<typeof AttributeFieldSchema>;

export const RangeFieldSchema = z.enum(['dealValue', 'companyEmployees']);
export type RangeField = z.infer<typeof RangeFieldSchema>;

export const BehaviourMetricSchema = z.enum(['pageViews', 'formSubmissions', 'emailClicks']);
export type BehaviourMetric = z.infer<typeof BehaviourMetricSchema>;

const Points = z.number().finite().min(-1000).max(1000);
const common = { id: IdSchema, points: Points, description: z.string().max(200).optional() };

const AttributeValue = z.union([z.string().max(200), z.number(), z.boolean()]);

export const AttributeCriterionSchema = z
  .strictObject({
    kind: z.literal('attribute'),
    ...common,
    field: AttributeFieldSchema,
    equals: AttributeValue.optional(),
    in: z.array(AttributeValue).min(1).max(500).optional(),
  })
  .refine((c) => (c.equals === undefined) !== (c.in === undefined), { message: 'give exactly one of equals / in', path: ['equals'] });

export const RangeCriterionSchema = z
  .strictObject({
    kind: z.literal('range'),
    ...common,
    field: RangeFieldSchema,
    gte: z.number().finite().optional(),
    lt: z.number().finite().optional(),
  })
  .refine((c) => c.gte !== undefined || c.lt !== undefined, { message: 'give gte, lt or both', path: ['gte'] })
  .refine((c) => c.gte === undefined || c.lt === undefined || c.gte < c.lt, { message: 'gte must be below lt', path: ['lt'] });

export const BehaviourAtLeastCriterionSchema = z.strictObject({
  kind: z.literal('behaviour_at_least'),
  ...common,
  metric: BehaviourMetricSchema,
  atLeast: z.number().int().positive(),
});

export const BehaviourPerUnitCriterionSchema = z.strictObject({
  kind: z.literal('behaviour_per_unit'),
  id: IdSchema,
  description: z.string().max(200).optional(),
  metric: BehaviourMetricSchema,
  pointsPerUnit: Points,
  cap: z.number().finite().positive().max(1000).describe('Largest absolute contribution.'),
});

export const RecencyCriterionSchema = z
  .strictObject({
    kind: z.literal('recency'),
    ...common,
    halfLifeDays: z.number().positive().max(3650),
    maxAgeDays: z.number().positive().max(3650).optional().describe('Older activity scores 0.'),
  })
  .describe('Full points for activity now, half after halfLifeDays, and so on; no activity → 0.');

export const FreeMailCriterionSchema = z.strictObject({
  kind: z.literal('free_mail'),
  ...common,
});

export const ScoringCriterionSchema = z.discriminatedUnion('kind', [
  AttributeCriterionSchema,
  RangeCriterionSchema,
  BehaviourAtLeastCriterionSchema,
  BehaviourPerUnitCriterionSchema,
  RecencyCriterionSchema,
  FreeMailCriterionSchema,
]);
export type ScoringCriterion = z.infer<typeof ScoringCriterionSchema>;

export const GradeBandSchema = z.strictObject({
  grade: z.string().min(1).max(16),
  min: z.number().finite().describe('Lowest score (inclusive) of this grade.'),
});

export const ScoringModelSchema = z
  .strictObject({
    criteria: z.array(ScoringCriterionSchema).max(500),
    grades: z.array(GradeBandSchema).min(1).max(26).describe('Highest band first; a score below every band gets the last grade.'),
    qualifyAt: z.number().finite().describe('Scores below this go to the nurture queue instead of a rep.'),
    clamp: z
      .strictObject({ min: z.number().finite(), max: z.number().finite() })
      .default({ min: 0, max: 100 })
      .refine((c) => c.min < c.max, { message: 'min must be below max', path: ['max'] }),
  })
  .superRefine((model, ctx) => {
    const ids = new Set<string>();
    model.criteria.forEach((c, i) => {
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['criteria', i, 'id'], message: `duplicate criterion id "${c.id}"` });
      ids.add(c.id);
    });
    for (let i = 1; i < model.grades.length; i++) {
      if (model.grades[i]!.min >= model.grades[i - 1]!.min) {
        ctx.addIssue({
          code: 'custom',
          path: ['grades', i, 'min'],
          message: 'grade bands must be listed highest first, with strictly decreasing min',
        });
      }
    }
    const grades = new Set<string>();
    model.grades.forEach((g, i) => {
      if (grades.has(g.grade)) ctx.addIssue({ code: 'custom', path: ['grades', i, 'grade'], message: `duplicate grade "${g.grade}"` });
      grades.add(g.grade);
    });
  });

export type ScoringModel = z.infer<typeof ScoringModelSchema>;
export type ScoringModelInput = z.input<typeof ScoringModelSchema>;
