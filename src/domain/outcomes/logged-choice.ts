import type { Decision } from '../decision/decision.ts';
import type { LoggedChoice } from './off-policy-estimate.ts';

/** What an outcome-aware decision records per candidate that evaluation reads. */
interface RecordedArm {
  readonly rep: string;
  readonly propensity: number;
  readonly estimate: number;
}

/** The candidates an outcome-aware step recorded (by shape: any picker that records propensities qualifies). */
function recordedArms(d: Decision): readonly RecordedArm[] | null {
  const details = d.strategy?.details as { candidates?: unknown } | null | undefined;
  const rows = details?.candidates;
  if (!Array.isArray(rows) || !rows.every((r) => typeof (r as RecordedArm).propensity === 'number')) return null;
  return rows as RecordedArm[];
}

/** Each rep's selection probability in a decision: as recorded, or 1 for the assigned rep of a deterministic pick. */
function propensities(d: Decision): ReadonlyMap<string, number> {
  if (d.outcome !== 'ASSIGNED' || !d.rep) return new Map();
  const arms = recordedArms(d);
  return new Map(arms ? arms.map((a) => [a.rep, a.propensity]) : [[d.rep.id, 1]]);
}

/**
 * One recorded lead with a known outcome as an off-policy sample: the logged policy's propensities (recorded, or 1
 * for a deterministic step such as weighted round robin), the proposed policy's (from its simulated decision), and
 * the reward model's estimate (the proposed, else the logged, decision's posterior mean; 0 where none was recorded,
 * which makes DR equal to IPS for that lead). Null when the lead was not assigned (nothing to learn from).
 */
export function loggedChoiceOf(logged: Decision, proposed: Decision, reward: number): LoggedChoice | null {
  if (logged.outcome !== 'ASSIGNED' || !logged.rep) return null;
  const before = propensities(logged);
  const after = propensities(proposed);
  const estimates = new Map([...(recordedArms(logged) ?? []), ...(recordedArms(proposed) ?? [])].map((a) => [a.rep, a.estimate]));
  const reps = [...new Set([...before.keys(), ...after.keys()])].sort();
  return {
    chosen: logged.rep.id,
    reward,
    arms: reps.map((rep) => ({
      rep,
      loggedPropensity: before.get(rep) ?? 0,
      targetPropensity: after.get(rep) ?? 0,
      predicted: estimates.get(rep) ?? 0,
    })),
  };
}

/** A lawful-set violation: an assignment to a rep the decision itself did not find eligible (must never happen). */
export const assignedOutsideEligibleSet = (d: Decision): boolean =>
  d.outcome === 'ASSIGNED' &&
  !d.candidates.some((t) => t.id === d.team?.id && t.reps.some((r) => r.id === d.rep?.id && r.eligible && r.lawful));
