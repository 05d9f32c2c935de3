import type { ConsentRecord, OutreachInput } from './outreach-input.ts';
import type { Channel, Exemption } from './rule-pack.schema.ts';

export interface ConsentTest {
  readonly priorExpressWritten: boolean;
  readonly mustNameNumber: boolean;
}

/** A consent record for this channel, given before `at`, not revoked or overtaken by a later opt-out on the channel. */
export function findConsent(input: OutreachInput, channel: Channel, at: number, test: ConsentTest): ConsentRecord | undefined {
  return input.consents.find(
    (c) =>
      c.channel === channel &&
      c.givenAt <= at &&
      (c.revokedAt === undefined || c.revokedAt > at) &&
      !input.optOuts.some((o) => o.channel === channel && o.at >= c.givenAt && o.at <= at) &&
      (!test.priorExpressWritten || (c.priorExpressWritten && c.conditionOfPurchase !== true)) &&
      (!test.mustNameNumber || (c.phone !== undefined && c.phone === input.recipient.phone)),
  );
}

const EXEMPTION_TESTS: { readonly [E in Exemption]: (input: OutreachInput, at: number) => boolean } = {
  consent: (input, at) => findConsent(input, input.channel, at, { priorExpressWritten: false, mustNameNumber: false }) !== undefined,
  prior_express_written_consent: (input, at) =>
    findConsent(input, input.channel, at, { priorExpressWritten: true, mustNameNumber: true }) !== undefined,
  existing_relationship: (input) => input.existingRelationship,
  relationship_envisages_cold_calls: (input) => input.existingRelationship && input.relationshipEnvisagesColdCalls === true,
};

/** The first exemption (in pack order) that holds, if any. */
export const firstExemption = (exemptions: readonly Exemption[], input: OutreachInput, at: number): Exemption | undefined =>
  exemptions.find((e) => EXEMPTION_TESTS[e](input, at));
