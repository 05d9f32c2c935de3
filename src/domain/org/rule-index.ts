import type { EvaluationContext } from '../conditions/evaluation-context.ts';
import type { CompiledRule } from './compiled-org.ts';

/**
 * Fields whose value, in one org version, is a function of the lead's jurisdiction and product alone, and whose
 * operators read nothing but that value (only `local_time_between` reads the decision time, and it applies to time
 * zones). So a comparison on one of them answers the same for every lead with the same jurisdiction and product.
 */
export const RULE_INDEX_FIELDS: ReadonlySet<string> = new Set([
  'jurisdiction',
  'country',
  'subdivision',
  'product',
  'productLines',
  'productComplexity',
]);

// Jurisdictions × products an org sees are few; the bound only keeps a hostile stream of codes from growing it forever.
const MAX_KEYS = 50_000;

/**
 * The rules that may fire for a lead, in rule order: those whose condition is not already false from the lead's
 * jurisdiction and product (RULE_INDEX_FIELDS). The first of these that holds is the first of all rules that holds,
 * because every rule left out is false for this lead; rule selection then evaluates a few rules instead of hundreds.
 * Memoised per (jurisdiction, product): the list depends on nothing else. Call only for a product the org defines.
 */
export function ruleIndex(rules: readonly CompiledRule[]): (ctx: EvaluationContext) => readonly CompiledRule[] {
  const memo = new Map<string, readonly CompiledRule[]>();
  return (ctx) => {
    const key = `${ctx.lead.jurisdiction}|${ctx.lead.product}`;
    let found = memo.get(key);
    if (found === undefined) {
      found = rules.filter((r) => r.when.screen(ctx, RULE_INDEX_FIELDS) !== false);
      if (memo.size >= MAX_KEYS) memo.clear();
      memo.set(key, found);
    }
    return found;
  };
}
