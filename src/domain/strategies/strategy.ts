import type { Lead } from '../lead/lead.ts';
import type { CompiledRep, CompiledTeam } from '../org/compiled-entities.ts';
import type { ProductConfig } from '../org/org-config.schema.ts';
import type { ConversionModelSnapshot } from '../outcomes/conversion-model.ts';
import type { RoutingStateView, StateChanges } from './routing-state.ts';

/** An eligible (team, rep) pair. Only these ever reach a strategy. */
export interface Candidate {
  readonly team: CompiledTeam;
  readonly rep: CompiledRep;
}

export interface StrategyContext {
  readonly lead: Lead;
  readonly product: ProductConfig;
  readonly at: number;
  readonly state: RoutingStateView;
  /** Team ids in the rule's priority order. */
  readonly teamOrder: readonly string[];
  /** The decision's id: the outcome-aware step derives its random seed from it (absent: from lead id and time). */
  readonly decisionId?: string;
  /** The conversion model snapshot the outcome-aware step reads (absent: nothing learned yet). */
  readonly outcomes?: ConversionModelSnapshot;
}

export type StepOutcome =
  | {
      readonly kind: 'picked';
      readonly candidate: Candidate;
      readonly note: string;
      readonly details?: unknown;
      readonly changes?: StateChanges['ledger'];
      /** A reason the decision records next to ASSIGNED (the outcome-aware step's fairness guard). */
      readonly reason?: { readonly code: 'FAIRNESS_GUARD'; readonly detail: string };
    }
  | { readonly kind: 'narrowed'; readonly candidates: readonly Candidate[]; readonly note: string }
  | { readonly kind: 'passed'; readonly note: string };

/** A strategy step evaluates itself: narrow the set, pick one, or pass with a note saying why. */
export interface StrategyStep {
  readonly kind: string;
  /** The round-robin ledger pool this step reads and writes, if any. */
  readonly pool?: string;
  /** true when the step reads the conversion model (StrategyContext.outcomes): the caller then fetches the current one. */
  readonly readsOutcomeModel?: boolean;
  apply(ctx: StrategyContext, candidates: readonly Candidate[]): StepOutcome;
}

/** Narrowing steps share this shape: keep the candidates that match, fall through when none do. */
export function preferWhere(
  candidates: readonly Candidate[],
  keep: (c: Candidate) => boolean,
  describe: { matched: string; none: string },
): StepOutcome {
  const kept = candidates.filter(keep);
  if (kept.length === 0) return { kind: 'passed', note: describe.none };
  if (kept.length === candidates.length) return { kind: 'passed', note: `${describe.matched}: all ${kept.length} match` };
  return { kind: 'narrowed', candidates: kept, note: `${describe.matched}: ${kept.length} of ${candidates.length}` };
}

/** Whether any rule of this chain list routes on outcomes, i.e. whether a decision needs the conversion model. */
export const readsOutcomeModel = (chains: readonly (readonly StrategyStep[])[]): boolean =>
  chains.some((chain) => chain.some((step) => step.readsOutcomeModel === true));
