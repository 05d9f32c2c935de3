import type { OutreachReasonCode } from './reason-codes.ts';
import type { Channel, Purpose } from './rule-pack.schema.ts';

/** Everything the outreach gate needs to know about one intended contact. All instants are epoch ms. */
export interface OutreachInput {
  readonly channel: Channel;
  /** When the outreach would fire. */
  readonly at: number;
  /** Marketing unless stated; transactional messages are outside the marketing rules. */
  readonly purpose?: Purpose | undefined;
  /** Calls: autodialled (ATDS) and/or prerecorded / artificial voice. */
  readonly automated?: { readonly autodialled: boolean; readonly prerecorded: boolean } | undefined;
  /** Template = financial promotion id; null when none is used. */
  readonly templateId: string | null;
  /** Subject of the outreach, used by per-subject call caps (e.g. the product or campaign). */
  readonly subject: string;
  readonly recipient: OutreachRecipient;
  readonly product: { readonly id: string; readonly productLines: readonly string[]; readonly attributes?: readonly string[] | undefined };
  /** The lead's customer type: MiFID's, or an org's own type (never a protected MiFID type then). */
  readonly customerType: string;
  readonly consents: readonly ConsentRecord[];
  readonly optOuts: readonly OptOutRecord[];
  /** Registry scrubs: one record per registry checked (US national DNC, UK TPS …). */
  readonly registries: readonly RegistryScrub[];
  readonly firmDnc: readonly FirmDncEntry[];
  readonly existingRelationship: boolean;
  /** COBS 4.8: the existing client relationship envisages cold calls. */
  readonly relationshipEnvisagesColdCalls?: boolean | undefined;
  readonly history: readonly OutreachAttempt[];
  readonly approvedPromotions: readonly ApprovedPromotion[];
}

export interface OutreachRecipient {
  /** E.164, e.g. "+13055550100". */
  readonly phone?: string | undefined;
  readonly address: { readonly country: string; readonly subdivision?: string | undefined };
  /** IANA zone, when known. */
  readonly timeZone?: string | undefined;
}

export interface ConsentRecord {
  readonly channel: Channel;
  readonly givenAt: number;
  readonly wording: string;
  /** The number the consent names (TCPA prior express written consent). */
  readonly phone?: string | undefined;
  readonly priorExpressWritten: boolean;
  /** Consent obtained as a condition of purchase does not count as TCPA written consent. */
  readonly conditionOfPurchase?: boolean | undefined;
  readonly revokedAt?: number | undefined;
}

export interface OptOutRecord {
  readonly channel: Channel;
  readonly at: number;
  /** stop = STOP reply / unsubscribe; objection = GDPR Art. 21 / PECR objection. */
  readonly kind: 'stop' | 'unsubscribe' | 'objection';
}

export interface RegistryScrub {
  readonly registry: string;
  readonly listed: boolean;
  readonly scrubbedAt: number;
}

export interface FirmDncEntry {
  /** Omitted: every channel. */
  readonly channel?: Channel | undefined;
  readonly requestedAt: number;
}

export interface OutreachAttempt {
  readonly channel: Channel;
  readonly at: number;
  readonly subject: string;
}

export interface ApprovedPromotion {
  readonly id: string;
  /** Who approved it (an FCA s21 approver, the firm's compliance officer …). */
  readonly approver: string;
  readonly jurisdictions: readonly string[];
  readonly audience: 'all' | 'professional_only';
  readonly validFrom?: number | undefined;
  readonly validTo?: number | undefined;
}

export type RuleResult = 'pass' | 'fail' | 'not_applicable';

export interface RuleVerdict {
  readonly id: string;
  readonly kind: string;
  readonly packId: string;
  readonly packVersion: string;
  readonly packHash: string;
  readonly result: RuleResult;
  readonly reasonCode: OutreachReasonCode;
  readonly detail: string;
  readonly source: { readonly citation: string; readonly url: string };
}

export interface OutreachAlert {
  readonly code: 'DNC_SCRUB_STALE' | 'DNC_SCRUB_MISSING';
  readonly ruleId: string;
  readonly registry: string;
  readonly detail: string;
  /** ISO instant of the last scrub, null when none is on record. */
  readonly scrubbedAt: string | null;
}

export interface OutreachDecision {
  readonly decision: 'allow' | 'deny';
  readonly at: string;
  readonly channel: Channel;
  readonly rules: readonly RuleVerdict[];
  /** Earliest instant at which the same outreach would be allowed; null when allowed now or waiting cannot help. */
  readonly nextAllowedAt: string | null;
  readonly alerts: readonly OutreachAlert[];
  /** The pack versions consulted. */
  readonly packs: readonly { readonly packId: string; readonly version: string; readonly hash: string }[];
}
