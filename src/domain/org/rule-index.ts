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

// The index fields split by what they are a function of: the lead's jurisdiction alone, or its product alone.
const JURISDICTION_FIELDS: ReadonlySet<string> = new Set(['jurisdiction', 'country', 'subdivision']);
const PRODUCT_FIELDS: ReadonlySet<string> = new Set(['product', 'productLines', 'productComplexity']);

// Jurisdictions × products an org sees are few; the bound only keeps a hostile stream of codes from growing it forever.
const MAX_KEYS = 50_000;

/** A memo of `compute` by key, cleared when it reaches MAX_KEYS. */
function memoised<T>(compute: (key: string, ctx: EvaluationContext) => T): (key: string, ctx: EvaluationContext) => T {
  const memo = new Map<string, T>();
  return (key, ctx) => {
    let found = memo.get(key);
    if (found === undefined) {
      found = compute(key, ctx);
      if (memo.size >= MAX_KEYS) memo.clear();
      memo.set(key, found);
    }
    return found;
  };
}

/**
 * The rules that may fire for a lead, in rule order: those whose condition is not already false from the lead's
 * jurisdiction and product (RULE_INDEX_FIELDS). The first of these that holds is the first of all rules that holds,
 * because every rule left out is false for this lead; rule selection then evaluates a few rules instead of hundreds.
 * Memoised per (jurisdiction, product): the list depends on nothing else. Call only for a product the org defines.
 *
 * A (jurisdiction, product) pair seen for the first time screens only the rules not already false from the
 * jurisdiction's fields alone nor from the product's fields alone (each memoised on its own): screening is
 * three-valued and monotone — knowing more fields only turns "unknown" into true or false — so a rule false from
 * either part is false from both, and the list is the same as screening every rule with all index fields.
 */
export function ruleIndex(rules: readonly CompiledRule[]): (ctx: EvaluationContext) => readonly CompiledRule[] {
  const byJurisdiction = memoised((_key, ctx) => rules.filter((r) => r.when.screen(ctx, JURISDICTION_FIELDS) !== false));
  const byProduct = memoised((_key, ctx) => new Set(rules.filter((r) => r.when.screen(ctx, PRODUCT_FIELDS) !== false)));
  // By jurisdiction, then product: two look-ups of the lead's own strings, no key built per decision.
  const byBoth = new Map<string, Map<string, readonly CompiledRule[]>>();
  let size = 0;
  return (ctx) => {
    const { jurisdiction, product } = ctx.lead;
    let forJurisdiction = byBoth.get(jurisdiction);
    if (!forJurisdiction) byBoth.set(jurisdiction, (forJurisdiction = new Map()));
    let found = forJurisdiction.get(product);
    if (found === undefined) {
      const forProduct = byProduct(product, ctx);
      found = byJurisdiction(jurisdiction, ctx).filter((r) => forProduct.has(r) && r.when.screen(ctx, RULE_INDEX_FIELDS) !== false);
      if (size >= MAX_KEYS) {
        byBoth.clear();
        byBoth.set(jurisdiction, forJurisdiction);
        forJurisdiction.clear();
        size = 0;
      }
      forJurisdiction.set(product, found);
      size++;
    }
    return found;
  };
}
