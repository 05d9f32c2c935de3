import { describe, expect, it } from 'vitest';
import { compileCondition, type ConditionIssue, type TraceEntry } from '../../src/domain/conditions/compile-condition.ts';
import { conditionDepth, ConditionSchema, MAX_CONDITION_DEPTH, type ConditionInput } from '../../src/domain/conditions/condition.schema.ts';
import type { EvaluationContext } from '../../src/domain/conditions/evaluation-context.ts';
import { buildFieldRegistry } from '../../src/domain/conditions/field-registry.ts';
import { assessCustomer } from '../../src/domain/eligibility/customer-profile.ts';
import { SuitabilityPolicySchema } from '../../src/domain/org/org-config.schema.ts';
import { AT, lead } from '../support/org-builder.ts';
import type { LeadInput } from '../../src/domain/lead/lead.schema.ts';

const fields = buildFieldRegistry([
  { name: 'campaign', type: 'string' },
  { name: 'employees', type: 'number' },
  { name: 'existingClient', type: 'boolean' },
]);
const product = {
  id: 'isa',
  name: 'ISA',
  productLines: ['investments'],
  complexity: 'non_complex' as const,
  massMarket: true,
  targetCustomerTypes: ['retail' as const],
  retailRequiresStatus: [],
  requiresAppointment: false,
};

function ctx(overrides: Partial<LeadInput> = {}, at = AT): EvaluationContext {
  const l = lead(overrides);
  return { lead: l, customer: assessCustomer(l, SuitabilityPolicySchema.parse({}), at), product, at };
}

function compile(input: ConditionInput) {
  const issues: ConditionIssue[] = [];
  const c = compileCondition(input, fields, issues);
  return { c, issues };
}

const holds = (input: ConditionInput, overrides: Partial<LeadInput> = {}, at = AT) => {
  const { c, issues } = compile(input);
  expect(issues).toEqual([]);
  return c.evaluate(ctx(overrides, at));
};

describe('condition operators', () => {
  it.each<[string, ConditionInput, Partial<LeadInput>, boolean]>([
    ['eq', { field: 'country', op: 'eq', value: 'GB' }, {}, true],
    ['eq false', { field: 'country', op: 'eq', value: 'US' }, {}, false],
    ['ne', { field: 'source', op: 'ne', value: 'partner' }, { source: 'web' }, true],
    ['ne on missing value', { field: 'source', op: 'ne', value: 'partner' }, {}, true],
    ['in', { field: 'customerType', op: 'in', value: ['retail', 'professional'] }, {}, true],
    ['not_in', { field: 'product', op: 'not_in', value: ['isa'] }, {}, false],
    ['gt', { field: 'score', op: 'gt', value: 70 }, { score: 71 }, true],
    ['gt boundary', { field: 'score', op: 'gt', value: 70 }, { score: 70 }, false],
    ['gte boundary', { field: 'score', op: 'gte', value: 70 }, { score: 70 }, true],
    ['lt', { field: 'dealValue', op: 'lt', value: 1000 }, { dealValue: 999.5 }, true],
    ['lte', { field: 'dealValue', op: 'lte', value: 1000 }, { dealValue: 1000.01 }, false],
    ['gt on missing number', { field: 'score', op: 'gt', value: 0 }, {}, false],
    ['between inclusive low', { field: 'score', op: 'between', value: [50, 80] }, { score: 50 }, true],
    ['between above', { field: 'score', op: 'between', value: [50, 80] }, { score: 81 }, false],
    ['exists true', { field: 'account.id', op: 'exists', value: true }, { account: { id: 'A1' } }, true],
    ['exists false', { field: 'account.id', op: 'exists', value: false }, {}, true],
    [
      'contains (list)',
      { field: 'screening.tags', op: 'contains', value: 'adverse_media' },
      { screening: { status: 'clear', tags: ['adverse_media'] } },
      true,
    ],
    ['contains (string)', { field: 'postalCode', op: 'contains', value: '1A' }, { postalCode: 'SW1A 1AA' }, true],
    ['starts_with', { field: 'postalCode', op: 'starts_with', value: ['EC', 'SW'] }, { postalCode: 'SW1A 1AA' }, true],
    ['matches', { field: 'source', op: 'matches', value: '^partner-\\d+$' }, { source: 'partner-42' }, true],
    ['matches no', { field: 'source', op: 'matches', value: '^partner-\\d+$' }, { source: 'partner-x' }, false],
    ['within country covers subdivision', { field: 'jurisdiction', op: 'within', value: ['US'] }, { jurisdiction: 'US-TX' }, true],
    ['within subdivision excludes sibling', { field: 'jurisdiction', op: 'within', value: ['US-NY'] }, { jurisdiction: 'US-TX' }, false],
    ['within_timezone', { field: 'timeZone', op: 'within_timezone', value: ['America/Chicago'] }, { timeZone: 'America/Chicago' }, true],
    ['custom string', { field: 'custom.campaign', op: 'eq', value: 'spring' }, { custom: { campaign: 'spring' } }, true],
    ['custom number', { field: 'custom.employees', op: 'gte', value: 250 }, { custom: { employees: 300 } }, true],
    ['custom boolean', { field: 'custom.existingClient', op: 'eq', value: true }, { custom: { existingClient: false } }, false],
  ])('%s', (_name, condition, overrides, expected) => {
    expect(holds(condition, overrides)).toBe(expected);
  });

  it('local_time_between uses the prospect time zone at decision time, across midnight too', () => {
    const c: ConditionInput = { field: 'timeZone', op: 'local_time_between', value: ['08:00', '21:00'] };
    // 14:00Z = 08:00 in Chicago (CST, UTC-6) → inside; 13:59Z = 07:59 → outside.
    expect(holds(c, { timeZone: 'America/Chicago' }, Date.parse('2026-11-24T14:00:00Z'))).toBe(true);
    expect(holds(c, { timeZone: 'America/Chicago' }, Date.parse('2026-11-24T13:59:00Z'))).toBe(false);
    const night: ConditionInput = { field: 'timeZone', op: 'local_time_between', value: ['22:00', '06:00'] };
    expect(holds(night, { timeZone: 'Europe/London' }, Date.parse('2026-11-24T23:30:00Z'))).toBe(true);
    expect(holds(night, { timeZone: 'Europe/London' }, Date.parse('2026-11-24T12:00:00Z'))).toBe(false);
  });

  it('composes all / any / not', () => {
    const c: ConditionInput = {
      all: [
        { field: 'jurisdiction', op: 'within', value: ['GB'] },
        { any: [{ field: 'score', op: 'gte', value: 80 }, { not: { field: 'source', op: 'eq', value: 'cold' } }] },
      ],
    };
    expect(holds(c, { score: 10, source: 'web' })).toBe(true);
    expect(holds(c, { score: 10, source: 'cold' })).toBe(false);
    expect(holds(c, { score: 90, source: 'cold' })).toBe(true);
    expect(holds(c, { jurisdiction: 'IE', score: 90 })).toBe(false);
  });
});

describe('condition compilation errors', () => {
  it('reports every problem with its path, not just the first', () => {
    const { issues } = compile({
      all: [
        { field: 'nope', op: 'eq', value: 1 },
        { field: 'score', op: 'gte', value: 'high' },
        { field: 'score', op: 'within', value: ['GB'] },
        { field: 'jurisdiction', op: 'in', value: ['gb'] },
        { field: 'source', op: 'matches', value: '(' },
        { field: 'score', op: 'between', value: [9, 1] },
        { field: 'timeZone', op: 'within_timezone', value: ['Mars/Olympus'] },
      ],
    });
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'all.0.field',
      'all.1.value',
      'all.2.op',
      'all.3.value',
      'all.4.value',
      'all.5.value',
      'all.6.value',
    ]);
    expect(issues[0]?.message).toBe('unknown field "nope"');
    expect(issues[1]?.message).toContain('expected a number');
    expect(issues[2]?.message).toContain('does not apply to number field "score"');
    expect(issues[4]?.message).toContain('invalid regular expression');
  });
});

describe('condition trace', () => {
  it('records every visited sub-condition with the value seen', () => {
    const { c } = compile({
      all: [
        { field: 'jurisdiction', op: 'within', value: ['US'] },
        {
          any: [
            { field: 'score', op: 'gte', value: 80 },
            { field: 'dealValue', op: 'gt', value: 1e6 },
          ],
        },
      ],
    });
    const out: TraceEntry[] = [];
    const result = c.trace(ctx({ jurisdiction: 'US-TX', score: 50, dealValue: 2e6 }), out);
    expect(result).toBe(true);
    expect(out).toEqual([
      { path: 'all', test: 'all', result: true },
      { path: 'all[0]', test: 'jurisdiction within ["US"]', actual: 'US-TX', result: true },
      { path: 'all[1]', test: 'any', result: true },
      { path: 'all[1].any[0]', test: 'score gte 80', actual: 50, result: false },
      { path: 'all[1].any[1]', test: 'dealValue gt 1000000', actual: 2000000, result: true },
    ]);
  });
});

describe('condition depth (W6)', () => {
  const nest = (depth: number, wrap: (c: unknown) => unknown): unknown => {
    let c: unknown = { field: 'score', op: 'gte', value: 1 };
    for (let i = 1; i < depth; i++) c = wrap(c);
    return c;
  };
  it.each([
    ['not', (c: unknown) => ({ not: c })],
    ['all', (c: unknown) => ({ all: [{ field: 'score', op: 'gte', value: 1 }, c] })],
    ['any', (c: unknown) => ({ any: [c] })],
  ])('accepts %s nested MAX_CONDITION_DEPTH levels and refuses one more, even 100,000 deep', (_name, wrap) => {
    expect(conditionDepth(nest(MAX_CONDITION_DEPTH, wrap))).toBe(MAX_CONDITION_DEPTH);
    expect(ConditionSchema.safeParse(nest(MAX_CONDITION_DEPTH, wrap)).success).toBe(true);
    const over = ConditionSchema.safeParse(nest(MAX_CONDITION_DEPTH + 1, wrap));
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.message).toMatch(/at most 32 levels/);
    expect(ConditionSchema.safeParse(nest(100_000, wrap)).success).toBe(false);
  });
});
