import type { ConversionModelSnapshot } from '../outcomes/conversion-model.ts';
import type { EvaluationContext } from '../conditions/evaluation-context.ts';
import type { CompiledOrg, CompiledRep, CompiledTeam } from '../org/compiled-org.ts';
import type { RoutingStateView } from '../strategies/routing-state.ts';
import type { RepAway } from './rep-presence.ts';
import type { ReasonCode } from './reason-codes.ts';
import type { Licensing } from '../org/regulation.ts';

export interface DecisionContext extends EvaluationContext {
  readonly org: CompiledOrg;
  readonly state: RoutingStateView;
  readonly respectWorkingHours: boolean;
  /** Complex product for a customer whose type needs, and lacks, a valid appropriateness assessment. */
  readonly appropriatenessRequired: boolean;
  readonly pepEddRequired: boolean;
  /** Reps not to choose for this decision (still evaluated, shown as EXCLUDED_FROM_REROUTE). */
  readonly excludeReps: readonly string[];
  /**
   * Reps who marked themselves away (an input, like the routing state; see rep-presence.ts), by rep id. A Map built
   * once per decision: looking a rep id up in the snapshot object costs far more, once per rep of every team.
   */
  readonly presence: ReadonlyMap<string, RepAway>;
  /** Reps an operation took the lead away from (bulk reassignment), recorded in the decision. */
  readonly exclusion?: { readonly repIds: readonly string[]; readonly code: 'REASSIGNED_AWAY'; readonly detail: string };
  /** Whether licences apply to this lead (its product lines × jurisdiction); not_applicable skips every regulatedOnly check. */
  readonly licensing: Licensing;
  /**
   * The lawful key as one string (jurisdiction, product id, effective customer type, appropriatenessRequired,
   * pepEddRequired, licensing status): built once per decision, it keys the reuse of lawful verdicts (team-verdict.ts).
   */
  readonly lawfulKey: string;
  /** Set for routing only: the decision's id (the outcome-aware step's seed). */
  readonly decisionId?: string;
  /** Set for routing only: the conversion model snapshot (issue 17). */
  readonly outcomes?: ConversionModelSnapshot;
}

/**
 * A check that exists because of regulation (licences, appointments, suitability): it runs only for a lead whose
 * licensing is `checked`. Screening, conduct and availability checks are not regulatedOnly: they always run.
 */
export interface Applicability {
  readonly regulatedOnly?: true;
}

export const applies = (check: Applicability, ctx: Pick<DecisionContext, 'licensing'>): boolean =>
  !check.regulatedOnly || ctx.licensing.status === 'checked';

export type CheckResult =
  | { readonly pass: true; readonly reliedOn?: readonly string[] }
  | { readonly pass: false; readonly code: ReasonCode; readonly detail: string };

export const PASS: CheckResult = { pass: true };
export const fail = (code: ReasonCode, detail: string): CheckResult => ({ pass: false, code, detail });

/**
 * Checks are objects that evaluate themselves; eligibility runs them all and collects every failure.
 *
 * A team check, and a rep check of kind `lawful`, reads only the lawful key — the lead's jurisdiction, its product,
 * the customer's effective type, appropriatenessRequired, pepEddRequired and licensing — and the decision time only
 * through the validity (validFromMs / validToMs) of the team's entity grants and its reps' grants and appointments.
 * decision/team-verdict.ts relies on this to reuse their verdicts; a check that needs anything else is an
 * availability check (run for every decision).
 */
export interface TeamCheck extends Applicability {
  readonly name: string;
  evaluate(ctx: DecisionContext, team: CompiledTeam): CheckResult;
}

export interface RepCheck extends Applicability {
  readonly name: string;
  /** lawful = licence/suitability; availability = can serve right now. */
  readonly kind: 'lawful' | 'availability';
  evaluate(ctx: DecisionContext, rep: CompiledRep): CheckResult;
  /**
   * False when the rep's compiled config alone makes the check pass at every decision (no out-of-office period, no
   * cap …), so it is not run for that rep; absent: it may fail. Only a shortcut: evaluate() must still pass then.
   */
  canFail?(rep: CompiledRep): boolean;
  /**
   * true when the check reads the rep's load (`ctx.state.load`). An availability check reads nothing else that
   * changes between decisions but the rep's load, presence, the exclusions, `respectWorkingHours` and the time — the
   * time only through `zonedParts` (constant within a UTC minute) or out-of-office periods: decision/team-verdict.ts
   * reuses a team's availability verdicts while none of these changed, re-reading only the loads.
   */
  readonly readsLoad?: true;
  /**
   * true when the check's outcome does not depend on the decision time: for a rep the presence snapshot does not name,
   * it depends on the rep's config and load alone, so decision/team-verdict.ts carries it into the next minute
   * unevaluated while the rep's load is unchanged. Absent means "reads the time" (the local minute or date through
   * `zonedParts`, out-of-office periods): a new check is re-evaluated every minute unless it declares otherwise, so
   * forgetting the flag costs speed, never a stale outcome.
   */
  readonly timeIndependent?: true;
  /**
   * For a check that reads the time: what it reads of the rep, as a key — every rep with the same key gets the same
   * result (same code, detail and reliedOn) from the same decision context. decision/team-verdict.ts then evaluates the
   * check once per group of a team's reps sharing the key when a new minute starts, and carries a rep's outcome
   * unevaluated when every such group says what it said the minute before (and the rep's load stands). Absent means
   * "depends on more of the rep": evaluated rep by rep, so forgetting it costs speed, never a stale outcome.
   */
  groupKey?(rep: CompiledRep): string;
  /**
   * true when the check reads the time only through the rep's out-of-office periods (`rep.outOfOffice`): it gives the
   * same result at any two instants that no start or end of one of those periods separates. decision/team-verdict.ts
   * then carries the rep's outcome into a new minute unevaluated while no out-of-office boundary of the team was
   * crossed. Absent: re-evaluated every minute (forgetting it costs speed, never a stale outcome).
   */
  readonly absenceBound?: true;
  /**
   * For a lawful check: what it reads of the decision context, as a key — two contexts with the same key give every
   * rep the same result while no grant or appointment of the rep starts or ends. decision/team-verdict.ts then shares a
   * team's lawful rep verdicts between lawful keys whose lawful checks all have the same keys (another product with
   * the same lines, another customer type …). Absent means "reads more of the lawful key": nothing is shared, so
   * forgetting it costs speed, never a wrong verdict.
   */
  contextKey?(ctx: DecisionContext): string;
}
