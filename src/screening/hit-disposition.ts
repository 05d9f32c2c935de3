/**
 * The screening disposition rule (docs/screening.md "Disposition: the screening policy"): the NAME score decides whether a hit
 * needs review. Corroborating facts may raise a hit (escalate it, or lift a weaker name over the review line)
 * and order the queue; a contradiction lowers priority only. The one exception: a hard contradiction on a list
 * the policy names may clear a strong name match. Pure and deterministic.
 */
import type { ScreeningPolicy } from '../domain/org/screening-policy.schema.ts';
import { round } from './name-compare.ts';
import type {
  HIT_DISPOSITION_KINDS,
  HIT_DISPOSITION_REASON_CODES,
  REVIEW_PRIORITIES,
} from '../domain/lead/screening-hit-summary.schema.ts';

export type HitDispositionKind = (typeof HIT_DISPOSITION_KINDS)[number];
export type HitDispositionReason = (typeof HIT_DISPOSITION_REASON_CODES)[number];
/** Review order: escalated hits first, contradicted ones last. */
export type ReviewPriority = (typeof REVIEW_PRIORITIES)[number];

/** Why a hit got its disposition; documented in docs/screening.md. */
export const HIT_DISPOSITION_REASONS: Record<HitDispositionReason, string> = {
  NAME_MATCH_CORROBORATED: 'The name is at or above the review line and corroborating facts add at least escalateAt: reviewed first.',
  NAME_MATCH: 'The name is at or above the review line; contradictions, if any, only lowered its priority.',
  CORROBORATION_LIFTED: 'The name is below the review line, but corroborating facts lift the priority score over it.',
  HARD_CONTRADICTION_CLEARED: 'A hard contradiction on a list whose policy allows it, and no agreeing fact, cleared the name match.',
  IDENTIFIER_MATCH: 'An IMO, MMSI or LEI equal to the listed one: reviewed whatever the names (a renamed ship, a translated name).',
  OWNED_BY_LISTED_PARTIES:
    'The name matches an entity that is not listed itself but owned, in aggregate or through a chain, at least the ' +
    "policy's threshold by listed parties (OFAC 50 % rule): held like a listed one, with the owners explained.",
  BELOW_REVIEW_LINE: 'Neither the name nor the corroborated score reaches the review line.',
};

export interface HitDisposition {
  readonly kind: HitDispositionKind;
  readonly reasonCode: HitDispositionReason;
  readonly priority: ReviewPriority;
  /** The name score the rule compared with the review threshold (weak aliases already discounted). */
  readonly nameScore: number;
  readonly reviewThreshold: number;
  /** Sum of the raising effects, compared with escalateAt. */
  readonly raisedBy: number;
  /** Sum of the lowering effects (they order the queue, never clear a strong name). */
  readonly loweredBy: number;
  /** The priority score (nameFactor · name + effects, clamped); orders hits, never clears one. */
  readonly priorityScore: number;
}

/** What the rule reads from a corroborating fact (matcher.ts FieldEffect). */
export interface EffectOnHit {
  readonly effect: number;
  readonly mayClear: boolean;
  /** An identifier that names one thing only (IMO, MMSI, LEI) is equal: the hit is reviewed. */
  readonly decisive?: boolean;
}

export type DispositionPolicy = Pick<ScreeningPolicy, 'reviewThreshold' | 'escalateAt'>;

export function disposeHit(
  nameScore: number,
  effects: readonly EffectOnHit[],
  priorityScore: number,
  policy: DispositionPolicy,
): HitDisposition {
  const raisedBy = round(effects.reduce((s, f) => s + Math.max(0, f.effect), 0));
  const loweredBy = round(effects.reduce((s, f) => s + Math.min(0, f.effect), 0));
  const base = { nameScore, reviewThreshold: policy.reviewThreshold, raisedBy, loweredBy, priorityScore };
  const escalates = raisedBy >= policy.escalateAt;
  const needsReview = (reasonCode: HitDispositionReason): HitDisposition =>
    escalates
      ? { ...base, kind: 'escalated', reasonCode, priority: 'high' }
      : { ...base, kind: 'review', reasonCode, priority: loweredBy < 0 ? 'low' : 'normal' };
  if (effects.some((f) => f.decisive)) return needsReview('IDENTIFIER_MATCH');
  // Any agreeing fact outweighs the contradiction: only an otherwise uncorroborated hit may be cleared.
  if (effects.every((f) => f.effect <= 0) && effects.some((f) => f.mayClear)) {
    return { ...base, kind: 'clear', reasonCode: 'HARD_CONTRADICTION_CLEARED', priority: 'none' };
  }
  if (nameScore >= policy.reviewThreshold) return needsReview(escalates ? 'NAME_MATCH_CORROBORATED' : 'NAME_MATCH');
  if (priorityScore >= policy.reviewThreshold) return needsReview('CORROBORATION_LIFTED');
  return { ...base, kind: 'clear', reasonCode: 'BELOW_REVIEW_LINE', priority: 'none' };
}

/** Stable review order of hit dispositions. */
export const DISPOSITION_RANK: Record<HitDispositionKind, number> = { escalated: 2, review: 1, clear: 0 };
