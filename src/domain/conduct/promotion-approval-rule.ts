import type { z } from 'zod';
import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import { defineRule, describeLocations, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { PromotionApprovalSpecSchema } from './rule-pack.schema.ts';

export type PromotionApprovalSpec = z.infer<typeof PromotionApprovalSpecSchema>;

/** The template must be an approved financial promotion, valid now, for the recipient's jurisdiction. */
export function promotionApprovalRule(spec: PromotionApprovalSpec, meta: RuleMeta): OutreachRule {
  return defineRule(spec, meta, (ctx, at, inScope) => {
    const { input } = ctx;
    if (input.templateId === null) return fail('PROMOTION_TEMPLATE_MISSING', 'marketing outreach must use an approved promotion template');
    const promo = input.approvedPromotions.find((p) => p.id === input.templateId);
    if (!promo) return fail('PROMOTION_NOT_APPROVED', `template ${input.templateId} is not an approved promotion`);
    if ((promo.validFrom !== undefined && at < promo.validFrom) || (promo.validTo !== undefined && at >= promo.validTo)) {
      return fail(
        'PROMOTION_APPROVAL_NOT_VALID',
        `approval of ${promo.id} is not valid at this time`,
        promo.validFrom !== undefined && at < promo.validFrom ? promo.validFrom : null,
      );
    }
    const uncovered = inScope.filter((l) => !promo.jurisdictions.some((j) => jurisdictionCovers(j, l.jurisdiction)));
    if (uncovered.length > 0)
      return fail(
        'PROMOTION_NOT_APPROVED_FOR_JURISDICTION',
        `${promo.id} is approved for ${promo.jurisdictions.join(', ')}, not ${describeLocations(uncovered)}`,
      );
    return pass('PROMOTION_APPROVED', `${promo.id} approved by ${promo.approver} for ${promo.jurisdictions.join(', ')}`);
  });
}
