import type { PresenceSnapshot, RepAway } from '../../domain/eligibility/rep-presence.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';

/**
 * The presence input of a decision: the away records of the reps it may touch, read in the caller's
 * transaction after the routing locks (a presence change takes the same rep lock, so it is ordered
 * before or after the decision, never in between). Whether each still holds at the decision time
 * is the domain's check (awayAt).
 */
export async function readPresence(tx: UnitOfWork, repIds: readonly string[]): Promise<PresenceSnapshot> {
  const away: Record<string, RepAway> = {};
  for (const p of await tx.repPresence.listAway(repIds)) away[p.repId] = { since: p.since, until: p.until, reason: p.reason };
  return away;
}
