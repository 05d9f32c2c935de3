import type { z } from 'zod';
import { toIso } from '../shared/zoned-time.ts';
import { defineRule, describeLocations, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { CallCapSpecSchema } from './rule-pack.schema.ts';

export type CallCapSpec = z.infer<typeof CallCapSpecSchema>;

/** At most `max` attempts in any rolling `perHours` window (per subject or per recipient); this one would be number max + 1. */
export function callCapRule(spec: CallCapSpec, meta: RuleMeta): OutreachRule {
  const windowMs = spec.perHours * 3_600_000;
  return defineRule(spec, meta, (ctx, at, inScope) => {
    const { input } = ctx;
    const counted = input.history
      .filter(
        (h) =>
          spec.channels.includes(h.channel) &&
          (spec.per === 'recipient' || h.subject === input.subject) &&
          h.at <= at &&
          h.at > at - windowMs,
      )
      .map((h) => h.at)
      .sort((a, b) => a - b);
    const scope = spec.per === 'subject' ? `on subject "${input.subject}"` : 'to this recipient';
    if (counted.length < spec.max)
      return pass(
        'WITHIN_CALL_CAP',
        `${counted.length} of ${spec.max} attempts ${scope} in ${spec.perHours} h (${describeLocations(inScope)})`,
      );
    // The window frees up once enough of the oldest attempts have aged out.
    const freeing = counted[counted.length - spec.max]!;
    return fail(
      'CALL_CAP_REACHED',
      `${counted.length} attempts ${scope} in the last ${spec.perHours} h; cap is ${spec.max} (${describeLocations(inScope)}); the ` +
        `oldest counted was at ${toIso(counted[0]!)}`,
      freeing + windowMs,
    );
  });
}
