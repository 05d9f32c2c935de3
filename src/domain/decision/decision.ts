import type { TraceEntry } from '../conditions/compile-condition.ts';
import type { ProfileFinding } from '../eligibility/customer-profile.ts';
import type { DecisionReasonCode } from '../eligibility/reason-codes.ts';
import type { ScreeningHitSummary } from '../lead/screening-hit-summary.schema.ts';
import type { Licensing } from '../org/regulation.ts';

/**
 * ASSIGNED: a lawful, available team and rep were chosen.
 * QUEUED: lawful candidates exist but none is available now; the lead waits for the named team.
 * REFUSED: nobody may lawfully serve the lead (or a rule/gate refuses it): compliance review.
 * HELD: screening or a rule holds it for compliance review. NURTURE: a rule sends it to nurture.
 */
export const DECISION_OUTCOMES = ['ASSIGNED', 'QUEUED', 'REFUSED', 'HELD', 'NURTURE'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export interface DecisionReason {
  readonly code: DecisionReasonCode;
  readonly detail: string;
}

export type { LicenceSummary } from '../org/compiled-entities.ts';
import type { LicenceSummary } from '../org/compiled-entities.ts';

export interface RepVerdict {
  readonly id: string;
  readonly name: string;
  readonly lawful: boolean;
  readonly available: boolean;
  readonly eligible: boolean;
  readonly reasons: readonly DecisionReason[];
  /** Ids of the individual grants and appointments this rep's eligibility relied on. */
  readonly reliedOn: readonly string[];
  /** Those grants and appointments as recorded in the org version (regulator, validity, status, source). */
  readonly licences: readonly LicenceSummary[];
}

export interface TeamVerdict {
  readonly id: string;
  readonly name: string;
  readonly entity: string;
  readonly pass: boolean;
  readonly reasons: readonly DecisionReason[];
  /** Firm grants of the team's entity in the lead's jurisdiction. */
  readonly licences: readonly LicenceSummary[];
  readonly reliedOn: readonly string[];
  /** Evaluated when the team itself passed; empty otherwise. */
  readonly reps: readonly RepVerdict[];
}

export interface StrategyStepRecord {
  readonly kind: string;
  readonly result: 'picked' | 'narrowed' | 'passed';
  readonly note: string;
  readonly remaining: number;
}

export interface Decision {
  readonly decisionId: string;
  readonly leadId: string;
  readonly outcome: DecisionOutcome;
  readonly team: { readonly id: string; readonly name: string } | null;
  readonly rep: { readonly id: string; readonly name: string } | null;
  readonly ruleSet: { readonly version: string; readonly hash: string };
  readonly rule: {
    readonly id: string;
    readonly index: number;
    readonly description: string | null;
    readonly rulesEvaluated: number;
    readonly trace: readonly TraceEntry[];
  } | null;
  readonly constraints: {
    readonly jurisdiction: string;
    readonly country: string;
    readonly product: {
      readonly id: string;
      readonly productLines: readonly string[];
      readonly complexity: string;
      readonly massMarket: boolean;
      readonly requiresAppointment: boolean;
      readonly carrier: string | null;
    } | null;
    readonly customerType: { readonly declared: string; readonly effective: string; readonly findings: readonly ProfileFinding[] };
    readonly statuses: readonly string[];
    readonly appropriateness: { readonly required: boolean; readonly valid: boolean };
    readonly screening: {
      readonly status: string;
      readonly tags: readonly string[];
      readonly listVersions: readonly string[];
      /** The screening policy that produced the hits (content hash; the values are in the screening record). */
      readonly policyHash?: string;
      /** Each hit: name score, corroboration effects, disposition and reason code (no person-derived values). */
      readonly hits?: readonly ScreeningHitSummary[];
    };
    readonly enhancedDueDiligenceRequired: boolean;
    readonly respectWorkingHours: boolean;
  };
  readonly candidates: readonly TeamVerdict[];
  readonly strategy: { readonly chain: readonly StrategyStepRecord[]; readonly chosenBy: string | null; readonly details: unknown } | null;
  readonly reasons: readonly DecisionReason[];
  readonly summary: string;
  readonly decidedAt: string;
  /** Reps an operation took this lead away from (bulk reassignment); absent on every other decision. */
  readonly exclusion?: { readonly repIds: readonly string[]; readonly code: 'REASSIGNED_AWAY'; readonly detail: string };
  /**
   * Whether licences applied (docs/routing.md "Regulated and unregulated lines"): only for orgs that declare a
   * regulation section; absent means every licence check ran, as for every decision made before the section existed.
   */
  readonly licensing?: Licensing;
}
