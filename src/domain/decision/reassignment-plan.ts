import type { Lead } from '../lead/lead.ts';
import type { CompiledOrg } from '../org/compiled-org.ts';
import { applyChanges, viewOf, type RoutingStateSnapshot } from '../strategies/routing-state.ts';
import { decide, type RepExclusion } from './decide.ts';
import type { Decision } from './decision.ts';

/**
 * A bulk reassignment re-decides each of a rep's open leads through the engine with that rep excluded
 * (docs/operations.md "Reassignment"). The exclusion is recorded in every decision, so the story says why a rep who
 * may still be eligible (not yet paused) was passed over, and a replay re-applies it.
 */
export const reassignmentExclusion = (fromRepId: string, reassignmentId: string | null): RepExclusion => ({
  repIds: [fromRepId],
  code: 'REASSIGNED_AWAY',
  detail: reassignmentId ? `open leads moved away from this rep (reassignment ${reassignmentId})` : 'open leads moved away from this rep',
});

/** Where one lead goes: what the preview lists and what the operation records per lead. */
export interface ReassignmentMovePlan {
  readonly leadId: string;
  readonly from: string;
  readonly to: string | null;
  readonly toTeam: string | null;
  readonly outcome: Decision['outcome'];
  readonly reasonCodes: readonly string[];
}

export const moveOf = (from: string, decision: Decision): ReassignmentMovePlan => ({
  leadId: decision.leadId,
  from,
  to: decision.rep?.id ?? null,
  toTeam: decision.team?.id ?? null,
  outcome: decision.outcome,
  reasonCodes: decision.reasons.map((r) => String(r.code)),
});

/**
 * The dry run: the same decisions the operation would make, in the same order, against a copy of the routing state
 * (the departing rep's capacity released before each lead, each assignment's load and ledger changes applied before
 * the next), so caps and round-robin turns are honoured across the batch. Pure: nothing is written.
 */
export function planReassignment(input: {
  readonly org: CompiledOrg;
  readonly leads: readonly Lead[];
  readonly fromRepId: string;
  readonly at: number;
  readonly state: RoutingStateSnapshot;
}): { readonly moves: readonly ReassignmentMovePlan[]; readonly state: RoutingStateSnapshot } {
  const { org, fromRepId, at } = input;
  const exclusion = reassignmentExclusion(fromRepId, null);
  let state = input.state;
  const moves: ReassignmentMovePlan[] = [];
  for (const [i, lead] of input.leads.entries()) {
    state = releaseOpen(state, fromRepId);
    const { decision, changes } = decide({ org, lead, at, state: viewOf(state), decisionId: `preview-${i + 1}`, exclusion });
    state = applyChanges(state, changes);
    moves.push(moveOf(fromRepId, decision));
  }
  return { moves, state };
}

/** The store's releaseOpen on a snapshot: one open lead fewer, never below 0. */
function releaseOpen(state: RoutingStateSnapshot, repId: string): RoutingStateSnapshot {
  const load = state.loads[repId];
  if (!load) return state;
  return { ...state, loads: { ...state.loads, [repId]: { ...load, open: Math.max(0, load.open - 1) } } };
}
