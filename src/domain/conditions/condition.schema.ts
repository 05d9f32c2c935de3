import { z } from 'zod';

/**
 * Authoring syntax for conditions (SPEC R1), e.g.
 *   { all: [ { field: jurisdiction, op: within, value: [US] }, { field: score, op: gte, value: 70 } ] }
 * Field names and value types are checked when the rule set is compiled, not here.
 */
export const OPERATORS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'exists',
  'contains',
  'starts_with',
  'matches',
  'within',
  'within_timezone',
  'local_time_between',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type ConditionInput =
  | { all: ConditionInput[] }
  | { any: ConditionInput[] }
  | { not: ConditionInput }
  | { field: string; op: Operator; value?: unknown };

export const ComparisonSchema = z.strictObject({
  field: z.string().min(1),
  op: z.enum(OPERATORS),
  value: z.unknown().optional(),
});

export const ConditionSchema: z.ZodType<ConditionInput> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
    ComparisonSchema,
  ]),
);
