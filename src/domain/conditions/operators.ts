import { jurisdictionCovers, JURISDICTION_PATTERN } from '../shared/jurisdiction.ts';
import { isValidTimeZone, zonedParts } from '../shared/zoned-time.ts';
import type { FieldType } from './field-registry.ts';
import type { Operator } from './condition.schema.ts';
import type { EvaluationContext } from './evaluation-context.ts';

export type Predicate = (actual: unknown, ctx: EvaluationContext) => boolean;

/** An operator checks its operand once (at load) and returns a predicate for the hot path. */
export interface OperatorDefinition {
  readonly name: Operator;
  readonly fieldTypes: readonly FieldType[];
  readonly describe: string;
  /** Returns an error message, or a predicate bound to the (validated) operand. */
  prepare(fieldType: FieldType, value: unknown): string | Predicate;
}

const SCALAR_TYPES: readonly FieldType[] = ['string', 'number', 'boolean', 'jurisdiction', 'timezone'];
const ALL_TYPES: readonly FieldType[] = [...SCALAR_TYPES, 'string[]'];

function scalarMatchesType(fieldType: FieldType, value: unknown): string | undefined {
  switch (fieldType) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `expected a number, got ${JSON.stringify(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${JSON.stringify(value)}`;
    case 'jurisdiction':
      return typeof value === 'string' && JURISDICTION_PATTERN.test(value)
        ? undefined
        : `expected an ISO 3166 code such as GB or US-TX, got ${JSON.stringify(value)}`;
    case 'timezone':
      return typeof value === 'string' && isValidTimeZone(value) ? undefined : `expected an IANA time zone, got ${JSON.stringify(value)}`;
    default:
      return typeof value === 'string' ? undefined : `expected a string, got ${JSON.stringify(value)}`;
  }
}

const elementType = (t: FieldType): FieldType => (t === 'string[]' ? 'string' : t);

function listOf(fieldType: FieldType, value: unknown): string | unknown[] {
  if (!Array.isArray(value) || value.length === 0) return 'expected a non-empty list';
  for (const v of value) {
    const problem = scalarMatchesType(elementType(fieldType), v);
    if (problem) return problem;
  }
  return value;
}

/** Operators over a list operand: the operand checked once, then a set for the predicate. */
function withSet(fieldType: FieldType, value: unknown, predicate: (set: ReadonlySet<unknown>) => Predicate): string | Predicate {
  const list = listOf(fieldType, value);
  return typeof list === 'string' ? list : predicate(new Set(list));
}

const compare = (name: Operator, test: (a: number | string, b: number | string) => boolean): OperatorDefinition => ({
  name,
  fieldTypes: ['number', 'string'],
  describe: `${name} (numbers; strings compare lexically, e.g. ISO dates)`,
  prepare(fieldType, value) {
    const problem = scalarMatchesType(fieldType, value);
    if (problem) return problem;
    const operand = value as number | string;
    return (actual) => typeof actual === typeof operand && test(actual as number | string, operand);
  },
});

export const OPERATOR_DEFINITIONS: readonly OperatorDefinition[] = [
  {
    name: 'eq',
    fieldTypes: SCALAR_TYPES,
    describe: 'equals',
    prepare(fieldType, value) {
      return scalarMatchesType(fieldType, value) ?? ((actual) => actual === value);
    },
  },
  {
    name: 'ne',
    fieldTypes: SCALAR_TYPES,
    describe: 'differs from (a missing value differs)',
    prepare(fieldType, value) {
      return scalarMatchesType(fieldType, value) ?? ((actual) => actual !== value);
    },
  },
  {
    name: 'in',
    fieldTypes: SCALAR_TYPES,
    describe: 'is one of',
    prepare: (fieldType, value) => withSet(fieldType, value, (set) => (actual) => set.has(actual)),
  },
  {
    name: 'not_in',
    fieldTypes: SCALAR_TYPES,
    describe: 'is none of (a missing value is none of them)',
    prepare: (fieldType, value) => withSet(fieldType, value, (set) => (actual) => !set.has(actual)),
  },
  compare('gt', (a, b) => a > b),
  compare('gte', (a, b) => a >= b),
  compare('lt', (a, b) => a < b),
  compare('lte', (a, b) => a <= b),
  {
    name: 'between',
    fieldTypes: ['number', 'string'],
    describe: 'within [low, high], inclusive',
    prepare(fieldType, value) {
      if (!Array.isArray(value) || value.length !== 2) return 'expected [low, high]';
      const [low, high] = value as [unknown, unknown];
      const problem = scalarMatchesType(fieldType, low) ?? scalarMatchesType(fieldType, high);
      if (problem) return problem;
      if ((low as number) > (high as number)) return 'low is greater than high';
      return (actual) => typeof actual === typeof low && (actual as number) >= (low as number) && (actual as number) <= (high as number);
    },
  },
  {
    name: 'exists',
    fieldTypes: ALL_TYPES,
    describe: 'has a value (true) or has none (false)',
    prepare(_fieldType, value) {
      if (typeof value !== 'boolean') return 'expected true or false';
      return (actual) => (actual !== undefined && actual !== null && actual !== '') === value;
    },
  },
  {
    name: 'contains',
    fieldTypes: ['string[]', 'string'],
    describe: 'list contains the value, or string contains the substring',
    prepare(fieldType, value) {
      const problem = scalarMatchesType('string', value);
      if (problem) return problem;
      if (fieldType === 'string[]') return (actual) => Array.isArray(actual) && actual.includes(value);
      return (actual) => typeof actual === 'string' && actual.includes(value as string);
    },
  },
  {
    name: 'any_of',
    fieldTypes: ['string[]'],
    describe: 'list shares at least one value with the given list (company.tags any_of [salesforce, hubspot])',
    prepare: (fieldType, value) =>
      withSet(fieldType, value, (wanted) => (actual) => Array.isArray(actual) && actual.some((v: unknown) => wanted.has(v))),
  },
  {
    name: 'starts_with',
    fieldTypes: ['string'],
    describe: 'string starts with one of the prefixes (e.g. postal prefixes)',
    prepare(_fieldType, value) {
      const prefixes = typeof value === 'string' ? [value] : listOf('string', value);
      if (typeof prefixes === 'string') return prefixes;
      const list = prefixes as string[];
      return (actual) => typeof actual === 'string' && list.some((p) => actual.startsWith(p));
    },
  },
  {
    name: 'matches',
    fieldTypes: ['string'],
    describe: 'matches the regular expression',
    prepare(_fieldType, value) {
      if (typeof value !== 'string') return 'expected a regular expression string';
      let re: RegExp;
      try {
        re = new RegExp(value, 'u');
      } catch (e) {
        return `invalid regular expression: ${(e as Error).message}`;
      }
      return (actual) => typeof actual === 'string' && re.test(actual);
    },
  },
  {
    name: 'within',
    fieldTypes: ['jurisdiction'],
    describe: 'jurisdiction is one of, or inside one of (US covers US-TX)',
    prepare(fieldType, value) {
      const list = listOf(fieldType, value);
      if (typeof list === 'string') return list;
      const scopes = list as string[];
      return (actual) => typeof actual === 'string' && scopes.some((s) => jurisdictionCovers(s, actual));
    },
  },
  {
    name: 'within_timezone',
    fieldTypes: ['timezone'],
    describe: "prospect's time zone is one of",
    prepare: (fieldType, value) => withSet(fieldType, value, (set) => (actual) => set.has(actual)),
  },
  {
    name: 'local_time_between',
    fieldTypes: ['timezone'],
    describe: "prospect's local time at decision time is within [HH:MM, HH:MM)",
    prepare(_fieldType, value) {
      const hhmm = /^([01]\d|2[0-3]):([0-5]\d)$/;
      if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'string' && hhmm.test(v))) {
        return 'expected ["HH:MM", "HH:MM"]';
      }
      const [from, to] = (value as string[]).map((v) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3))) as [number, number];
      return (actual, ctx) => {
        if (typeof actual !== 'string') return false;
        const m = zonedParts(actual, ctx.at).minuteOfDay;
        return from <= to ? m >= from && m < to : m >= from || m < to;
      };
    },
  },
];

export const OPERATORS_BY_NAME: ReadonlyMap<Operator, OperatorDefinition> = new Map(OPERATOR_DEFINITIONS.map((o) => [o.name, o]));
