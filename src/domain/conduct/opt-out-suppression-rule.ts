import type { z } from 'zod';
import { toIso } from '../shared/zoned-time.ts';
import { defineRule, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { OptOutSuppressionSpecSchema } from './rule-pack.schema.ts';

export type OptOutSuppressionSpec = z.infer<typeof OptOutSuppressionSpecSchema>;

/**
 * STOP / unsubscribe / objection: honoured at once. Cross-channel packs suppress every marketing channel
 * they cover after an opt-out on any channel (GDPR Art. 21(3): the objection is absolute). Transactional
 * outreach is outside marketing rules, and nothing here touches decision records.
 */
export function optOutSuppressionRule(spec: OptOutSuppressionSpec, meta: RuleMeta): OutreachRule {
  return defineRule(spec, meta, (ctx, at) => {
    const { input } = ctx;
    const hit = input.optOuts
      .filter((o) => o.at <= at && (spec.crossChannel || o.channel === input.channel))
      .sort((a, b) => a.at - b.at)[0];
    return hit
      ? fail(
          'OPTED_OUT',
          `${hit.kind} on ${hit.channel} at ` +
            `${toIso(hit.at)}${spec.crossChannel && hit.channel !== input.channel ? ` suppresses ${input.channel} marketing too` : ''}`,
        )
      : pass('NO_OPT_OUT', 'no opt-out or objection on record');
  });
}
