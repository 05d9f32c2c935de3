/**
 * Whether a screening shows a hit for an entity, as a function of its name score (screening-engine.ts): the engine
 * skips the full comparison of a name whose score bound (name-score-bound.ts) could not show a hit
 * (docs/performance.md).
 *
 * A hit is shown unless the policy clears it for being below the review line and its priority score is below
 * minScore. Both the disposition and the priority score only grow with the name score (the effects are the
 * entity's, whatever name matched), so a bound that does not show proves that no score under it shows.
 *
 * The entity's facts are compared (corroborate) only when the bound might show: for a query without identifiers,
 * whose date of birth cannot clear a hit on this list, the facts can add at most the largest effect of each field
 * (one date of birth, one nationality or country, one residence fact), and a bound below the line even with that
 * shows nothing whatever the facts.
 */
import { corroborate, finalScore, type FieldEffect, type PreparedQuery } from './matcher.ts';
import { disposeHit, type HitDisposition } from './hit-disposition.ts';
import type { ScreeningEntity } from './screening-entity.ts';
import type { ScreeningPolicy } from '../domain/org/screening-policy.schema.ts';
import { round } from './name-compare.ts';

/** Slack for the floating-point sum of the largest effects (priority scores are rounded to 4 decimals). */
const EPSILON = 1e-9;

/** What the gates of one screening share: the query, the policy and the most its facts can raise a hit. */
export interface GateContext {
  readonly q: PreparedQuery;
  readonly policy: ScreeningPolicy;
  readonly minScore: number;
  /** The most corroboration can add (undefined: the query has identifiers, effects are compared every time). */
  readonly maxRaise: number | undefined;
}

export function gateContext(q: PreparedQuery, policy: ScreeningPolicy, minScore: number): GateContext {
  const w = policy.corroboration;
  const most = (...xs: number[]) => Math.max(0, ...xs);
  const maxRaise =
    q.strongIds.length > 0 || q.identifiers.length > 0
      ? undefined
      : most(w.dobExact, w.dobCompatible, w.dobNear, w.dobMismatch) +
        most(w.nationalityMatch, w.nationalityMismatch, w.countryMismatch) +
        most(w.residenceMatch, w.residenceMismatch);
  return { q, policy, minScore, maxRaise };
}

/** One entity's facts in one screening, compared when first needed (by the gate or by the hit). */
export class EntityGate {
  private readonly context: GateContext;
  private readonly entity: ScreeningEntity;
  private compared: FieldEffect[] | undefined;

  constructor(context: GateContext, entity: ScreeningEntity) {
    this.context = context;
    this.entity = entity;
  }

  get effects(): FieldEffect[] {
    return (this.compared ??= corroborate(this.context.q, this.entity, this.context.policy));
  }

  /** Whether a name score of `nameScore` (weak aliases already discounted, before rounding) would show this entity's hit. */
  wouldShow(nameScore: number): boolean {
    const { q, policy, minScore, maxRaise } = this.context;
    const name = round(Math.min(1, nameScore));
    const clearable = q.dob !== undefined && policy.hardContradiction.mayClearLists.includes(this.entity.listId);
    if (this.compared === undefined && maxRaise !== undefined && !clearable) {
      const ceiling = round(Math.min(1, Math.max(0, name * policy.corroboration.nameFactor + maxRaise + EPSILON)));
      if (name < policy.reviewThreshold && ceiling < policy.reviewThreshold && ceiling < minScore) return false;
    }
    const score = finalScore(name, this.effects, policy.corroboration);
    return isShown(disposeHit(name, this.effects, score, policy), score, minScore);
  }
}

/** The hit rule: a hit the policy cleared below the review line is dropped under minScore (a hard contradiction stays visible). */
export function isShown(disposition: HitDisposition, score: number, minScore: number): boolean {
  return !(disposition.kind === 'clear' && disposition.reasonCode !== 'HARD_CONTRADICTION_CLEARED' && score < minScore);
}
