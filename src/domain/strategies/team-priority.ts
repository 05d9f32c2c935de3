import type { StrategyStep } from './strategy.ts';

/** Keeps the reps of the first team, in the rule's order, that has any eligible rep. */
export const teamPriority = (): StrategyStep => ({
  kind: 'team-priority',
  apply(ctx, candidates) {
    for (const teamId of ctx.teamOrder) {
      const inTeam = candidates.filter((c) => c.team.id === teamId);
      if (inTeam.length > 0) {
        return inTeam.length === candidates.length
          ? { kind: 'passed', note: `all candidates are in team ${teamId}` }
          : { kind: 'narrowed', candidates: inTeam, note: `team ${teamId} is first in priority with ${inTeam.length} eligible reps` };
      }
    }
    return { kind: 'passed', note: 'no team in priority order has candidates' };
  },
});
