import type { z } from 'zod';
import { toIso } from '../shared/zoned-time.ts';
import { defineRule, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { FirmDncSpecSchema } from './rule-pack.schema.ts';

export type FirmDncSpec = z.infer<typeof FirmDncSpecSchema>;

/** The firm's own do-not-call list (FINRA 3230): honoured from the moment the request is recorded. */
export function firmDncRule(spec: FirmDncSpec, meta: RuleMeta): OutreachRule {
  return defineRule(spec, meta, (ctx, at) => {
    const entry = ctx.input.firmDnc.find((e) => e.requestedAt <= at && (e.channel === undefined || e.channel === ctx.input.channel));
    return entry
      ? fail(
          'FIRM_DNC_LISTED',
          `on the firm do-not-call list since ${toIso(entry.requestedAt)}${entry.channel ? ` (${entry.channel})` : ' (all channels)'}`,
        )
      : pass('FIRM_DNC_NOT_LISTED', 'not on the firm do-not-call list');
  });
}
