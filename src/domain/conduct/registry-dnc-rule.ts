import type { z } from 'zod';
import { toIso } from '../shared/zoned-time.ts';
import { firstExemption } from './exemptions.ts';
import type { OutreachAlert } from './outreach-input.ts';
import { defineRule, describeLocations, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { RegistryDncSpecSchema } from './rule-pack.schema.ts';

export type RegistryDncSpec = z.infer<typeof RegistryDncSpecSchema>;

const DAY_MS = 86_400_000;

/**
 * A do-not-call registry (US national DNC, UK TPS): a listed number may not be called unless an
 * exemption holds; a scrub older than the pack allows cannot be relied on, so it denies and raises
 * DNC_SCRUB_STALE (the alert is raised even when an exemption lets the outreach through).
 */
export function registryDncRule(spec: RegistryDncSpec, meta: RuleMeta): OutreachRule {
  return defineRule(spec, meta, (ctx, at, inScope) => {
    const { input } = ctx;
    const scrub = input.registries
      .filter((r) => r.registry === spec.registry && r.scrubbedAt <= at)
      .sort((a, b) => b.scrubbedAt - a.scrubbedAt)[0];
    const alerts: OutreachAlert[] = [];
    const ageDays = scrub ? (at - scrub.scrubbedAt) / DAY_MS : null;
    if (!scrub) {
      alerts.push({
        code: 'DNC_SCRUB_MISSING',
        ruleId: spec.id,
        registry: spec.registry,
        detail: `no ${spec.registry} scrub on record`,
        scrubbedAt: null,
      });
    } else if (spec.maxScrubAgeDays !== undefined && ageDays! > spec.maxScrubAgeDays) {
      alerts.push({
        code: 'DNC_SCRUB_STALE',
        ruleId: spec.id,
        registry: spec.registry,
        detail: `${spec.registry} scrub is ${Math.floor(ageDays!)} days old; the limit is ${spec.maxScrubAgeDays} days`,
        scrubbedAt: toIso(scrub.scrubbedAt),
      });
    }
    const exemption = firstExemption(spec.exemptions, input, at);
    if (exemption) return pass('DNC_EXEMPT', `${spec.registry}: exempt by ${exemption} (${describeLocations(inScope)})`, alerts);
    if (!scrub)
      return fail(
        'DNC_SCRUB_MISSING',
        `no ${spec.registry} scrub on record and no exemption (${spec.exemptions.join(', ') || 'none allowed'})`,
        null,
        alerts,
      );
    if (alerts.length > 0) {
      const listed = scrub.listed ? 'listed' : 'not listed';
      return fail(
        'DNC_SCRUB_STALE',
        `${alerts[0]!.detail}; number was ${listed} at that scrub; no exemption (${spec.exemptions.join(', ') || 'none allowed'})`,
        null,
        alerts,
      );
    }
    if (scrub.listed)
      return fail(
        'DNC_LISTED',
        `number is on ${spec.registry} (scrubbed ${toIso(scrub.scrubbedAt)}); no exemption ` +
          `(${spec.exemptions.join(', ') || 'none allowed'})`,
      );
    return pass('DNC_NOT_LISTED', `not on ${spec.registry} at scrub of ${toIso(scrub.scrubbedAt)} (${Math.floor(ageDays!)} days old)`);
  });
}
