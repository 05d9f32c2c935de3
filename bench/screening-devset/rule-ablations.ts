/**
 * The comparison rules a parameter switches, each as the override that switches it off: a rule switched on (a
 * `distinct…` flag) set false, a multiplier (`…Factor`) set to 1, the activity-word cost set to the ordinary extra cost.
 * Measuring each on the dev sets and the lists' same-entity pairs shows what a rule buys and what it costs
 * (rule-ablation.ts); a rule that moves no dev row but loses alias pairs fits nothing the sets can show.
 */
import type { NameCompareParams } from '../../src/screening/name-compare.ts';

export interface RuleAblation {
  /** The parameter switched off. */
  rule: keyof NameCompareParams;
  override: Partial<NameCompareParams>;
}

export function ruleAblations(params: NameCompareParams): RuleAblation[] {
  const out: RuleAblation[] = [];
  for (const [key, value] of Object.entries(params) as [keyof NameCompareParams, NameCompareParams[keyof NameCompareParams]][]) {
    if (value === true) out.push({ rule: key, override: { [key]: false } });
    else if (key.endsWith('Factor') && value !== 1) out.push({ rule: key, override: { [key]: 1 } });
  }
  // activity words cost extraCostActivity instead of extraCostOrg; equal costs switch the rule off (name-compare.ts)
  if (params.extraCostActivity !== params.extraCostOrg)
    out.push({ rule: 'extraCostActivity', override: { extraCostActivity: params.extraCostOrg } });
  return out;
}
