import { z } from 'zod';

/**
 * Authoring syntax for conditions (docs/routing.md), e.g.
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
  'any_of',
  'starts_with',
  'matches',
  'within',
  'within_timezone',
  'local_time_between',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type ConditionInput =
  { all: ConditionInput[] } | { any: ConditionInput[] } | { not: ConditionInput } | { field: string; op: Operator; value?: unknown };

export const ComparisonSchema = z.strictObject({
  field: z.string().min(1),
  op: z.enum(OPERATORS),
  value: z.unknown().optional(),
});

/** How deeply all/any/not may nest. Real rules use a handful of levels; the bound keeps validation off the stack's edge. */
export const MAX_CONDITION_DEPTH = 32;

const ConditionTree: z.ZodType<ConditionInput> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionTree).min(1) }),
    z.strictObject({ any: z.array(ConditionTree).min(1) }),
    z.strictObject({ not: ConditionTree }),
    ComparisonSchema,
  ]),
);

/**
 * The deepest all/any/not nesting in `value` (a comparison alone is 1), measured without recursion so
 * that a hostile 100,000-level input cannot overflow the stack before it is refused.
 */
export function conditionDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    if (depth > MAX_CONDITION_DEPTH) break;
    if (node === null || typeof node !== 'object') continue;
    const n = node as Record<string, unknown>;
    for (const key of ['all', 'any'] as const)
      if (Array.isArray(n[key])) for (const child of n[key] as unknown[]) stack.push([child, depth + 1]);
    if ('not' in n) stack.push([n.not, depth + 1]);
  }
  return deepest;
}

/** A condition: its depth is checked first (a transform, so the published JSON Schema is the tree's). */
export const ConditionSchema: z.ZodType<ConditionInput> = z
  .transform((value: unknown, ctx) => {
    if (conditionDepth(value) > MAX_CONDITION_DEPTH) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `conditions may nest all/any/not at most ${MAX_CONDITION_DEPTH} levels deep`,
      });
      return z.NEVER;
    }
    return value;
  })
  .pipe(ConditionTree);
