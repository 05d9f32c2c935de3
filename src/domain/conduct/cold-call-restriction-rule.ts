import type { z } from 'zod';
import { firstExemption } from './exemptions.ts';
import { defineRule, describeLocations, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { ColdCallRestrictionSpecSchema } from './rule-pack.schema.ts';

export type ColdCallRestrictionSpec = z.infer<typeof ColdCallRestrictionSpecSchema>;

/**
 * Unsolicited real-time promotion restricted for some products / customer types unless an exemption
 * holds (UK pensions cold-calling ban; COBS 4.8 limits).
 */
export function coldCallRestrictionRule(spec: ColdCallRestrictionSpec, meta: RuleMeta): OutreachRule {
  return defineRule(spec, meta, (ctx, at, inScope) => {
    const { input } = ctx;
    const lines = spec.productLines;
    if (lines && !input.product.productLines.some((l) => lines.includes(l)))
      return pass('PRODUCT_NOT_RESTRICTED', `${input.product.id} is not in ${lines.join(', ')}`);
    if (spec.customerTypes && !(spec.customerTypes as readonly string[]).includes(input.customerType))
      return pass('CUSTOMER_TYPE_NOT_PROTECTED', `${input.customerType} customers are outside the restriction`);
    const attr = (input.product.attributes ?? []).find((a) => spec.exemptProductAttributes.includes(a));
    if (attr) return pass('PRODUCT_MAY_BE_COLD_CALLED', `${input.product.id} is ${attr}`);
    const exemption = firstExemption(spec.exemptions, input, at);
    if (exemption) return pass('COLD_CALL_EXEMPT', `exempt by ${exemption}`);
    const allowedBy = [...spec.exemptions, ...spec.exemptProductAttributes.map((a) => `product ${a}`)].join(', ');
    return fail(
      'COLD_CALL_BANNED',
      `unsolicited ${input.channel} about ${input.product.id} to a ${input.customerType} customer in ${describeLocations(inScope)} ` +
        `needs one of: ${allowedBy}`,
    );
  });
}
