import { audienceRestrictionRule } from './audience-restriction-rule.ts';
import { callCapRule } from './call-cap-rule.ts';
import { coldCallRestrictionRule } from './cold-call-restriction-rule.ts';
import { consentRequiredRule } from './consent-required-rule.ts';
import { firmDncRule } from './firm-dnc-rule.ts';
import { optOutSuppressionRule } from './opt-out-suppression-rule.ts';
import type { OutreachRule, RuleMeta } from './outreach-rule.ts';
import { promotionApprovalRule } from './promotion-approval-rule.ts';
import { quietHoursRule } from './quiet-hours-rule.ts';
import { registryDncRule } from './registry-dnc-rule.ts';
import type { OutreachRuleKind, OutreachRuleSpec } from './rule-pack.schema.ts';

type SpecOf<K extends OutreachRuleKind> = Extract<OutreachRuleSpec, { kind: K }>;

/** One factory per rule kind; adding a kind means adding a schema and a row here — the gate never looks at kinds. */
export const RULE_FACTORIES: { readonly [K in OutreachRuleKind]: (spec: SpecOf<K>, meta: RuleMeta) => OutreachRule } = {
  quiet_hours: quietHoursRule,
  call_cap: callCapRule,
  registry_dnc: registryDncRule,
  firm_dnc: firmDncRule,
  consent_required: consentRequiredRule,
  opt_out_suppression: optOutSuppressionRule,
  cold_call_restriction: coldCallRestrictionRule,
  promotion_approval: promotionApprovalRule,
  audience_restriction: audienceRestrictionRule,
};

export function buildRule(spec: OutreachRuleSpec, meta: RuleMeta): OutreachRule {
  const factory = RULE_FACTORIES[spec.kind] as (s: OutreachRuleSpec, m: RuleMeta) => OutreachRule;
  return factory(spec, meta);
}
