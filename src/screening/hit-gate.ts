/**
 * Whether a screening shows a hit for an entity, as a function of its name score (screening-engine.ts): the facts
 * of the query and the entity are compared once, before any of its names is; the engine then skips the full
 * comparison of a name whose score bound (name-score-bound.ts) could not show a hit (docs/performance.md).
 *
 * A hit is shown unless the policy clears it for being below the review line and its priority score is below
 * minScore. Both the disposition and the priority score only grow with the name score (the effects are the
 * entity's, whatever name matched), so a bound that does not show proves that no score under it shows.
 */
import { corroborate, finalScore, type FieldEffect, type PreparedQuery } from './matcher.ts';
import { disposeHit, type HitDisposition } from './hit-disposition.ts';
import type { ScreeningEntity } from './screening-entity.ts';
import type { ScreeningPolicy } from '../domain/org/screening-policy.schema.ts';
import { round } from './name-compare.ts';

/** One entity's facts in one screening: compared once, used by the gate and by the hit. */
export interface EntityGate {
  readonly effects: FieldEffect[];
}

export function entityGate(q: PreparedQuery, e: ScreeningEntity, policy: ScreeningPolicy): EntityGate {
  return { effects: corroborate(q, e, policy) };
}

/** The hit rule: a hit the policy cleared below the review line is dropped under minScore (a hard contradiction stays visible). */
export function isShown(disposition: HitDisposition, score: number, minScore: number): boolean {
  return !(disposition.kind === 'clear' && disposition.reasonCode !== 'HARD_CONTRADICTION_CLEARED' && score < minScore);
}

/** Whether a name score of `nameScore` (weak aliases already discounted, before rounding) would show this entity's hit. */
export function wouldShow(gate: EntityGate, nameScore: number, policy: ScreeningPolicy, minScore: number): boolean {
  const name = round(Math.min(1, nameScore));
  const score = finalScore(name, gate.effects, policy.corroboration);
  return isShown(disposeHit(name, gate.effects, score, policy), score, minScore);
}
