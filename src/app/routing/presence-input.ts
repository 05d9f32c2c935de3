import type { PresenceSnapshot, RepAway } from '../../domain/eligibility/rep-presence.ts';
import type { RoutingStateView } from '../../domain/strategies/routing-state.ts';
import type { RoutingScope } from '../../store/ports/routing-state.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';

/**
 * The routing locks of a decision and its presence input: the away records of the reps it may touch, read in the
 * caller's transaction after the routing locks (a presence change takes the same rep lock, so it is ordered before or
 * after the decision, never in between; on PostgreSQL the locks and the read share a round trip). Whether each still
 * holds at the decision time is the domain's check (awayAt).
 */
export async function lockScopeWithPresence(
  tx: UnitOfWork,
  scope: RoutingScope,
): Promise<{ readonly state: RoutingStateView; readonly presence: PresenceSnapshot }> {
  const { state, away: records } = await tx.routingState.lockScopeReadingAway(scope);
  const away: Record<string, RepAway> = {};
  for (const p of records) away[p.repId] = { since: p.since, until: p.until, reason: p.reason };
  return { state, presence: away };
}

/** Whether the locks taken for `locked` cover `needed` (every pool and rep of it). */
export const scopeCovers = (locked: RoutingScope, needed: RoutingScope): boolean =>
  needed.pools.every((p) => locked.pools.includes(p)) && needed.repIds.every((r) => locked.repIds.includes(r));
