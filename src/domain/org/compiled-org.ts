import type { CompiledCondition } from '../conditions/compile-condition.ts';
import type { EvaluationContext } from '../conditions/evaluation-context.ts';
import type { FieldDefinition } from '../conditions/field-registry.ts';
import type { StrategyStep } from '../strategies/strategy.ts';
import type { OrgConfig, ProductConfig, RuleConfig, SuitabilityPolicy } from './org-config.schema.ts';
import type { CompiledPool, CompiledRep, CompiledTeam, GrantAuthority } from './compiled-entities.ts';

export type {
  AppointmentAuthority,
  ClosedDay,
  CompiledPool,
  CompiledRep,
  CompiledTeam,
  GrantAuthority,
  LicenceSummary,
} from './compiled-entities.ts';
import type { LicenceSummary } from './compiled-entities.ts';
import type { CompiledRegulation } from './regulation.ts';

export interface CompiledRule {
  readonly id: string;
  readonly index: number;
  readonly description?: string | undefined;
  readonly when: CompiledCondition;
  readonly then: RuleConfig['then'];
  /** Present for route rules. */
  readonly chain: readonly StrategyStep[];
}

/** A published org/rule version, indexed once so a decision does no searching it can avoid. */
export interface CompiledOrg {
  readonly version: string;
  readonly hash: string;
  readonly config: OrgConfig;
  readonly products: ReadonlyMap<string, ProductConfig>;
  readonly teams: readonly CompiledTeam[];
  readonly teamsById: ReadonlyMap<string, CompiledTeam>;
  readonly repsById: ReadonlyMap<string, CompiledRep>;
  /** Firm-level grants by legal entity. */
  readonly entityGrants: ReadonlyMap<string, readonly GrantAuthority[]>;
  /** Firm grants of any entity that cover a jurisdiction (its own code, or its country's), for the pre-screen. */
  firmGrantsCovering(jurisdiction: string): readonly GrantAuthority[];
  /** Firm grants of an entity that cover a jurisdiction, as the decision lists them ("the licences it holds"). */
  entityLicencesIn(entity: string, jurisdiction: string): readonly LicenceSummary[];
  readonly rules: readonly CompiledRule[];
  /** The rules that may fire for this lead (its product defined), in order; every rule left out is false for it (rule-index.ts). */
  rulesFor(ctx: EvaluationContext): readonly CompiledRule[];
  /** Whether a rule's strategy reads the conversion model (an outcome-aware step): only then does a decision fetch it. */
  readonly readsOutcomeModel: boolean;
  /** Declared round-robin pools by id (empty when the org declares none). */
  readonly pools: ReadonlyMap<string, CompiledPool>;
  readonly fields: ReadonlyMap<string, FieldDefinition>;
  readonly suitability: SuitabilityPolicy;
  /** Which product lines are regulated where (the regulation section; absent: all of them everywhere). */
  readonly regulation: CompiledRegulation;
}
