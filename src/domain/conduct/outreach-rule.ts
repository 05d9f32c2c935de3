import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import type { OutreachAlert, OutreachInput } from './outreach-input.ts';
import type { RecipientLocation } from './recipient-locations.ts';
import type { OutreachReasonCode } from './reason-codes.ts';
import type { Locator, OutreachRuleSpec, PackCitation, PackSource } from './rule-pack.schema.ts';

/** What the gate knows about the recipient, resolved once per check. */
export interface OutreachContext {
  readonly input: OutreachInput;
  readonly locations: readonly RecipientLocation[];
}

export type RuleOutcome =
  | {
      readonly result: 'pass' | 'not_applicable';
      readonly reasonCode: OutreachReasonCode;
      readonly detail: string;
      readonly alerts?: readonly OutreachAlert[];
    }
  | {
      readonly result: 'fail';
      readonly reasonCode: OutreachReasonCode;
      readonly detail: string;
      /** Earliest instant at which this rule could pass with the same facts; null when waiting cannot help. */
      readonly retryAt: number | null;
      readonly alerts?: readonly OutreachAlert[];
    };

/** A compiled rule: it decides for itself whether it applies and whether the outreach passes. */
export interface OutreachRule {
  readonly id: string;
  readonly kind: OutreachRuleSpec['kind'];
  readonly pack: PackCitation;
  readonly source: PackSource;
  evaluate(ctx: OutreachContext, at: number): RuleOutcome;
}

export interface RuleMeta {
  readonly pack: PackCitation;
  readonly source: PackSource;
}

export const pass = (reasonCode: OutreachReasonCode, detail: string, alerts?: readonly OutreachAlert[]): RuleOutcome =>
  alerts && alerts.length > 0 ? { result: 'pass', reasonCode, detail, alerts } : { result: 'pass', reasonCode, detail };

export const fail = (
  reasonCode: OutreachReasonCode,
  detail: string,
  retryAt: number | null = null,
  alerts?: readonly OutreachAlert[],
): RuleOutcome =>
  alerts && alerts.length > 0 ? { result: 'fail', reasonCode, detail, retryAt, alerts } : { result: 'fail', reasonCode, detail, retryAt };

const notApplicable = (reasonCode: OutreachReasonCode, detail: string): RuleOutcome => ({ result: 'not_applicable', reasonCode, detail });

type CommonSpec = Pick<OutreachRuleSpec, 'id' | 'kind' | 'jurisdictions' | 'locatedBy' | 'channels' | 'purposes'>;

/** Locations of the recipient that fall under the rule's jurisdictions, found by the locators it accepts. */
export function matchingLocations(
  spec: { jurisdictions: readonly string[]; locatedBy: readonly Locator[] },
  locations: readonly RecipientLocation[],
): RecipientLocation[] {
  return locations.filter(
    (l) => l.via.some((v) => spec.locatedBy.includes(v)) && spec.jurisdictions.some((j) => jurisdictionCovers(j, l.jurisdiction)),
  );
}

/**
 * Builds a rule from its spec: the common scope (channel, purpose, jurisdiction) is checked here,
 * the kind-specific test is `check`, which receives the recipient locations in scope.
 */
export function defineRule<S extends CommonSpec>(
  spec: S,
  meta: RuleMeta,
  check: (ctx: OutreachContext, at: number, inScope: readonly RecipientLocation[]) => RuleOutcome,
): OutreachRule {
  return {
    id: spec.id,
    kind: spec.kind,
    pack: meta.pack,
    source: meta.source,
    evaluate(ctx, at) {
      const purpose = ctx.input.purpose ?? 'marketing';
      if (!spec.channels.includes(ctx.input.channel))
        return notApplicable('NOT_APPLICABLE_CHANNEL', `rule covers ${spec.channels.join(', ')}`);
      if (!spec.purposes.includes(purpose))
        return notApplicable('NOT_APPLICABLE_PURPOSE', `rule covers ${spec.purposes.join(', ')} outreach`);
      const inScope = matchingLocations(spec, ctx.locations);
      if (inScope.length === 0)
        return notApplicable('NOT_APPLICABLE_JURISDICTION', `recipient not located in ${spec.jurisdictions.join(', ')}`);
      return check(ctx, at, inScope);
    },
  };
}

export const describeLocations = (locations: readonly RecipientLocation[]): string => locations.map((l) => l.label).join('; ');
