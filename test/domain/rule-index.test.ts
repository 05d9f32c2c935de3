import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, type ConditionIssue } from '../../src/domain/conditions/compile-condition.ts';
import type { ConditionInput } from '../../src/domain/conditions/condition.schema.ts';
import type { EvaluationContext } from '../../src/domain/conditions/evaluation-context.ts';
import { buildFieldRegistry } from '../../src/domain/conditions/field-registry.ts';
import { assessCustomer } from '../../src/domain/eligibility/customer-profile.ts';
import type { CompiledRule } from '../../src/domain/org/compiled-org.ts';
import { SuitabilityPolicySchema, type ProductConfig } from '../../src/domain/org/org-config.schema.ts';
import { RULE_INDEX_FIELDS, ruleIndex } from '../../src/domain/org/rule-index.ts';
import { AT, lead } from '../support/org-builder.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const fields = buildFieldRegistry([]);
const JURISDICTIONS = ['GB', 'US', 'US-TX', 'US-NY', 'IE', 'DE'];
const PRODUCTS: ProductConfig[] = ['isa', 'life', 'va'].map((id, i) => ({
  id,
  name: id,
  productLines: i === 2 ? ['life', 'securities'] : [i === 0 ? 'investments' : 'life'],
  complexity: i === 2 ? 'complex' : 'non_complex',
  massMarket: true,
  targetCustomerTypes: ['retail'],
  retailRequiresStatus: [],
  requiresAppointment: false,
}));

/** Conditions mixing index fields (jurisdiction, product …) with others (score, source), under all / any / not. */
const leaf: fc.Arbitrary<ConditionInput> = fc.oneof(
  fc.record({ field: fc.constant('jurisdiction'), op: fc.constant('within'), value: fc.subarray(JURISDICTIONS, { minLength: 1 }) }),
  fc.record({ field: fc.constant('country'), op: fc.constant('eq'), value: fc.constantFrom('GB', 'US', 'IE') }),
  fc.record({ field: fc.constant('subdivision'), op: fc.constant('exists'), value: fc.boolean() }),
  fc.record({ field: fc.constant('product'), op: fc.constant('in'), value: fc.subarray(['isa', 'life', 'va'], { minLength: 1 }) }),
  fc.record({ field: fc.constant('productLines'), op: fc.constant('contains'), value: fc.constantFrom('life', 'securities') }),
  fc.record({ field: fc.constant('productComplexity'), op: fc.constant('eq'), value: fc.constantFrom('complex', 'non_complex') }),
  fc.record({ field: fc.constant('score'), op: fc.constant('gte'), value: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ field: fc.constant('source'), op: fc.constant('eq'), value: fc.constantFrom('web', 'partner') }),
) as fc.Arbitrary<ConditionInput>;
const condition: fc.Arbitrary<ConditionInput> = fc.letrec<{ c: ConditionInput }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

const leadArb = fc.record({
  jurisdiction: fc.constantFrom(...JURISDICTIONS, 'FR', 'US-CA'),
  product: fc.nat({ max: PRODUCTS.length - 1 }),
  score: fc.integer({ min: 0, max: 100 }),
  source: fc.constantFrom('web', 'partner', 'chat'),
});

describe('rule index', () => {
  it('first rule that holds among rulesFor() is the first rule that holds among all rules', () => {
    let fired = 0;
    let pruned = 0;
    fc.assert(
      fc.property(
        fc.array(condition, { minLength: 1, maxLength: 12 }),
        fc.array(leadArb, { minLength: 1, maxLength: 8 }),
        (conds, leads) => {
          const rules: CompiledRule[] = conds.map((when, i) => {
            const issues: ConditionIssue[] = [];
            const compiled = compileCondition(when, fields, issues);
            expect(issues).toEqual([]);
            return { id: `r${i}`, index: i, when: compiled, then: { kind: 'nurture' }, chain: [] } as unknown as CompiledRule;
          });
          const rulesFor = ruleIndex(rules);
          for (const x of leads) {
            const product = PRODUCTS[x.product]!;
            const l = lead({ jurisdiction: x.jurisdiction, product: product.id, score: x.score, source: x.source });
            const ctx: EvaluationContext = { lead: l, customer: assessCustomer(l, SuitabilityPolicySchema.parse({}), AT), product, at: AT };
            const candidates = rulesFor(ctx);
            // Exactly the rules not false from all index fields at once (the index screens in two parts first).
            expect(candidates).toEqual(rules.filter((r) => r.when.screen(ctx, RULE_INDEX_FIELDS) !== false));
            // Nothing left out may hold; what is kept keeps rule order.
            for (const r of rules) if (!candidates.includes(r)) expect(r.when.evaluate(ctx)).toBe(false);
            expect(candidates.map((r) => r.index)).toEqual([...candidates.map((r) => r.index)].sort((a, b) => a - b));
            const expected = rules.find((r) => r.when.evaluate(ctx));
            expect(candidates.find((r) => r.when.evaluate(ctx))).toBe(expected);
            if (expected) fired++;
            pruned += rules.length - candidates.length;
          }
        },
      ),
      { numRuns: RUNS },
    );
    // Not vacuous: rules fired and the index did leave rules out.
    expect(fired).toBeGreaterThan(RUNS / 4);
    expect(pruned).toBeGreaterThan(RUNS);
  });
});
