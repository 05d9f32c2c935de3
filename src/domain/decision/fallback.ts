import type { DecisionContext } from '../eligibility/eligibility-check.ts';
import type { FallbackConfig } from '../org/regulation.schema.ts';
import { zonedParts } from '../shared/zoned-time.ts';
import { NO_CHANGES, type StateChanges } from '../strategies/routing-state.ts';
import type { Decision, DecisionOutcome, DecisionReason, TeamVerdict } from './decision.ts';

/** What a fallback decides: the part of a decision draft it owns (the caller adds the rule and candidates). */
export interface FallbackDraft {
  readonly outcome: DecisionOutcome;
  readonly team: Decision['team'];
  readonly rep: Decision['rep'];
  readonly candidates: TeamVerdict[];
  readonly strategy: Decision['strategy'];
  readonly reasons: DecisionReason[];
  readonly changes: StateChanges;
}

/** docs/routing.md "Fallback": the ops queue is a QUEUED lead without a team; the queue worker re-decides it later. */
function opsQueue(cause: DecisionReason, why: string): FallbackDraft {
  return {
    outcome: 'QUEUED',
    team: null,
    rep: null,
    candidates: [],
    strategy: null,
    changes: NO_CHANGES,
    reasons: [{ code: 'FALLBACK_OPS_QUEUE', detail: why }, cause],
  };
}

/**
 * A fallback variant decides for itself. The owner is the owner of last resort: assigned whatever their load,
 * hours, pause or away status (someone must own the lead), but never once inactive or gone — a lead handed to
 * someone who will never look at it is lost, so it goes to the ops queue instead.
 */
const FALLBACKS: {
  [K in FallbackConfig['kind']]: (
    ctx: DecisionContext,
    fallback: Extract<FallbackConfig, { kind: K }>,
    cause: DecisionReason,
  ) => FallbackDraft;
} = {
  'ops-queue': (_ctx, _f, cause) => opsQueue(cause, 'unregulated lead nobody may take: waits in the ops queue'),
  owner(ctx, f, cause) {
    const rep = ctx.org.repsById.get(f.rep);
    if (!rep || rep.status === 'inactive' || rep.status === 'left')
      return opsQueue(cause, `fallback owner ${f.rep} is ${rep?.status ?? 'not in the org'}: waits in the ops queue instead`);
    const team = ctx.org.teamsById.get(rep.teamId)!;
    return {
      outcome: 'ASSIGNED',
      team: { id: team.id, name: team.name },
      rep: { id: rep.id, name: rep.name },
      candidates: [],
      strategy: null,
      reasons: [{ code: 'FALLBACK_OWNER', detail: `unregulated lead nobody else may take: fallback owner ${rep.id} (${team.id})` }, cause],
      changes: {
        ledger: null,
        load: { repId: rep.id, day: zonedParts(rep.timeZone, ctx.at).date, openDelta: 1, todayDelta: 1 },
      },
    };
  },
};

/** The rule's fallback, else the org's, else the ops queue. Only for unregulated leads (the caller checks). */
export function fallBack(ctx: DecisionContext, fallback: FallbackConfig | undefined, cause: DecisionReason): FallbackDraft {
  const chosen = fallback ?? ctx.org.config.fallback ?? { kind: 'ops-queue' as const };
  return (FALLBACKS[chosen.kind] as (c: DecisionContext, f: FallbackConfig, r: DecisionReason) => FallbackDraft)(ctx, chosen, cause);
}

/** The reps a fallback may assign, for the routing scope's locks (none for a regulated lead). */
export function fallbackScope(ctx: DecisionContext, ruleFallback: FallbackConfig | undefined): string[] {
  if (ctx.licensing.status === 'checked') return [];
  const chosen = ruleFallback ?? ctx.org.config.fallback;
  return chosen?.kind === 'owner' && ctx.org.repsById.has(chosen.rep) ? [chosen.rep] : [];
}
