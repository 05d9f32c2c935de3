import type { z } from 'zod';
import { toIso } from '../shared/zoned-time.ts';
import { findConsent } from './exemptions.ts';
import { defineRule, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { ConsentRequiredSpecSchema } from './rule-pack.schema.ts';

export type ConsentRequiredSpec = z.infer<typeof ConsentRequiredSpecSchema>;

/** Marketing on the channel needs a consent of the required quality (TCPA prior express written consent naming the number …). */
export function consentRequiredRule(spec: ConsentRequiredSpec, meta: RuleMeta): OutreachRule {
  const quality = [spec.requirePriorExpressWritten ? 'prior express written' : 'express', spec.mustNameNumber ? 'naming the number' : '']
    .filter(Boolean)
    .join(' ');
  return defineRule(spec, meta, (ctx, at) => {
    const { input } = ctx;
    if (spec.when === 'automated' && !(input.automated?.autodialled || input.automated?.prerecorded)) {
      return pass('CONSENT_NOT_REQUIRED', 'not autodialled or prerecorded');
    }
    const consent = findConsent(input, input.channel, at, {
      priorExpressWritten: spec.requirePriorExpressWritten,
      mustNameNumber: spec.mustNameNumber,
    });
    return consent
      ? pass('CONSENT_PRESENT', `${quality} consent for ${input.channel} given ${toIso(consent.givenAt)}: "${consent.wording}"`)
      : fail(
          'CONSENT_MISSING',
          `${input.channel} marketing${spec.when === 'automated' ? ' (autodialled/prerecorded)' : ''} needs ${quality} consent; none ` +
            `valid on record`,
        );
  });
}
