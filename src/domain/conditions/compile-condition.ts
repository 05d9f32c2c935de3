import type { ConditionInput } from './condition.schema.ts';
import type { EvaluationContext } from './evaluation-context.ts';
import type { FieldDefinition } from './field-registry.ts';
import { OPERATORS_BY_NAME, type Predicate } from './operators.ts';

export interface TraceEntry {
  /** Where in the condition tree, e.g. "all[1].any[0]". */
  readonly path: string;
  readonly test: string;
  readonly actual?: unknown;
  readonly result: boolean;
}

/** A compiled condition evaluates itself; the traced variant records every sub-condition it visits. */
export interface CompiledCondition {
  readonly kind: 'all' | 'any' | 'not' | 'comparison' | 'always';
  evaluate(ctx: EvaluationContext): boolean;
  trace(ctx: EvaluationContext, out: TraceEntry[]): boolean;
  /**
   * What the condition is known to be from the fields in `known` alone (three-valued: undefined = depends on other
   * fields). The rule index (rule-index.ts) uses it to skip rules that cannot hold for any lead sharing those values.
   */
  screen(ctx: EvaluationContext, known: ReadonlySet<string>): boolean | undefined;
}

export interface ConditionIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

export const ALWAYS: CompiledCondition = {
  kind: 'always',
  evaluate: () => true,
  trace: (_ctx, out) => {
    out.push({ path: '', test: 'always', result: true });
    return true;
  },
  screen: () => true,
};

function allOf(children: CompiledCondition[], path: string): CompiledCondition {
  return {
    kind: 'all',
    evaluate: (ctx) => children.every((c) => c.evaluate(ctx)),
    trace(ctx, out) {
      const at = out.length;
      out.push({ path, test: 'all', result: false });
      // Short-circuits like evaluate(), so the trace shows exactly what decided the outcome.
      const result = children.every((c) => c.trace(ctx, out));
      out[at] = { path, test: 'all', result };
      return result;
    },
    screen(ctx, known) {
      let all: boolean | undefined = true;
      for (const c of children) {
        const r = c.screen(ctx, known);
        if (r === false) return false;
        if (r === undefined) all = undefined;
      }
      return all;
    },
  };
}

function anyOf(children: CompiledCondition[], path: string): CompiledCondition {
  return {
    kind: 'any',
    evaluate: (ctx) => children.some((c) => c.evaluate(ctx)),
    trace(ctx, out) {
      const at = out.length;
      out.push({ path, test: 'any', result: false });
      const result = children.some((c) => c.trace(ctx, out));
      out[at] = { path, test: 'any', result };
      return result;
    },
    screen(ctx, known) {
      let any: boolean | undefined = false;
      for (const c of children) {
        const r = c.screen(ctx, known);
        if (r === true) return true;
        if (r === undefined) any = undefined;
      }
      return any;
    },
  };
}

function negation(child: CompiledCondition, path: string): CompiledCondition {
  return {
    kind: 'not',
    evaluate: (ctx) => !child.evaluate(ctx),
    trace(ctx, out) {
      const at = out.length;
      out.push({ path, test: 'not', result: false });
      const result = !child.trace(ctx, out);
      out[at] = { path, test: 'not', result };
      return result;
    },
    screen(ctx, known) {
      const r = child.screen(ctx, known);
      return r === undefined ? undefined : !r;
    },
  };
}

function comparison(field: FieldDefinition, predicate: Predicate, test: string, path: string): CompiledCondition {
  return {
    kind: 'comparison',
    evaluate: (ctx) => predicate(field.read(ctx), ctx),
    trace(ctx, out) {
      const actual = field.read(ctx);
      const result = predicate(actual, ctx);
      out.push(actual === undefined ? { path, test, result } : { path, test, actual, result });
      return result;
    },
    screen: (ctx, known) => (known.has(field.name) ? predicate(field.read(ctx), ctx) : undefined),
  };
}

const join = (base: string, part: string): string => (base ? `${base}.${part}` : part);

/** Compiles once; every unknown field, unsupported operator or mistyped value is reported, not just the first. */
export function compileCondition(
  input: ConditionInput,
  fields: ReadonlyMap<string, FieldDefinition>,
  issues: ConditionIssue[],
  path: (string | number)[] = [],
  tracePath = '',
): CompiledCondition {
  if ('all' in input) {
    return allOf(
      input.all.map((c, i) => compileCondition(c, fields, issues, [...path, 'all', i], join(tracePath, `all[${i}]`))),
      tracePath || 'all',
    );
  }
  if ('any' in input) {
    return anyOf(
      input.any.map((c, i) => compileCondition(c, fields, issues, [...path, 'any', i], join(tracePath, `any[${i}]`))),
      tracePath || 'any',
    );
  }
  if ('not' in input) {
    return negation(compileCondition(input.not, fields, issues, [...path, 'not'], join(tracePath, 'not')), tracePath || 'not');
  }
  const field = fields.get(input.field);
  if (!field) {
    issues.push({ path: [...path, 'field'], message: `unknown field "${input.field}"` });
    return ALWAYS;
  }
  const operator = OPERATORS_BY_NAME.get(input.op);
  if (!operator) {
    issues.push({ path: [...path, 'op'], message: `unknown operator "${input.op}"` });
    return ALWAYS;
  }
  if (!operator.fieldTypes.includes(field.type)) {
    issues.push({
      path: [...path, 'op'],
      message: `operator "${input.op}" does not apply to ${field.type} field "${field.name}" (use one of: ${[...OPERATORS_BY_NAME.values()]
        .filter((o) => o.fieldTypes.includes(field.type))
        .map((o) => o.name)
        .join(', ')})`,
    });
    return ALWAYS;
  }
  const prepared = operator.prepare(field.type, input.value);
  if (typeof prepared === 'string') {
    issues.push({ path: [...path, 'value'], message: `${field.name} ${input.op}: ${prepared}` });
    return ALWAYS;
  }
  return comparison(field, prepared, `${field.name} ${input.op} ${JSON.stringify(input.value)}`, tracePath || 'condition');
}
