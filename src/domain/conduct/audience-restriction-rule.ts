import type { z } from 'zod';
import { defineRule, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { AudienceRestrictionSpecSchema } from './rule-pack.schema.ts';

export type AudienceRestrictionSpec = z.infer<typeof AudienceRestrictionSpecSchema>;

/** A professional-only promotion must not reach the forbidden customer types (DFSA GEN 3.5). */
export function audienceRestrictionRule(spec: AudienceRestrictionSpec, meta: RuleMeta): OutreachRule {
  return defineRule(spec, meta, (ctx) => {
    const { input } = ctx;
    const promo = input.templateId === null ? undefined : input.approvedPromotions.find((p) => p.id === input.templateId);
    if (!promo || promo.audience !== spec.audience)
      return pass('AUDIENCE_UNRESTRICTED', promo ? `${promo.id} is for ${promo.audience}` : 'no promotion template');
    return (spec.forbiddenCustomerTypes as readonly string[]).includes(input.customerType)
      ? fail('PROMOTION_AUDIENCE_MISMATCH', `${promo.id} is ${spec.audience}; the recipient is a ${input.customerType} client`)
      : pass('AUDIENCE_MATCHES', `${input.customerType} client may receive ${spec.audience} promotion ${promo.id}`);
  });
}
