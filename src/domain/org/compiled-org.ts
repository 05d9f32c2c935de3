import type { CompiledCondition } from '../conditions/compile-condition.ts';
import type { FieldDefinition } from '../conditions/field-registry.ts';
import type { Authority } from '../eligibility/licence-coverage.ts';
import type { StrategyStep } from '../strategies/strategy.ts';
import type {
  Capability,
  CustomerType,
  ExperienceLevel,
  LicenceGrantConfig,
  OrgConfig,
  ProductConfig,
  RuleConfig,
  SuitabilityPolicy,
} from './org-config.schema.ts';

export interface CompiledTeam {
  readonly id: string;
  readonly name: string;
  readonly entity: string;
  readonly mandate: { readonly jurisdictions: readonly string[]; readonly productLines: readonly string[]; readonly customerTypes: readonly CustomerType[] };
  readonly massMarketOnly: boolean;
  readonly capabilities: readonly Capability[];
  /** Reps in config order. */
  readonly reps: readonly CompiledRep[];
}

export interface CompiledRep {
  readonly id: string;
  readonly name: string;
  readonly teamId: string;
  readonly timeZone: string;
  /** Index 1..7 (ISO weekday) → [startMinute, endMinute) ranges; null = always working. */
  readonly workingMinutes: readonly (readonly (readonly [number, number])[])[] | null;
  readonly outOfOffice: readonly { readonly fromMs: number; readonly toMs: number; readonly reason?: string | undefined }[];
  readonly status: 'active' | 'paused' | 'inactive';
  readonly capacity: { readonly maxOpenLeads?: number | undefined; readonly maxLeadsPerDay?: number | undefined };
  readonly skills: readonly string[];
  readonly languages: readonly string[];
  readonly experience: ExperienceLevel;
  readonly weight: number;
  readonly territory?: { readonly jurisdictions: readonly string[]; readonly postalPrefixes: readonly string[]; readonly timeZones: readonly string[] } | undefined;
  readonly massMarketOnly: boolean;
  /** Rep's own capabilities plus its team's. */
  readonly capabilities: readonly Capability[];
  readonly grants: readonly GrantAuthority[];
  readonly appointments: readonly (Authority & { readonly carrier: string })[];
}

export interface GrantAuthority extends Authority {
  readonly regulator: string;
  readonly activity: string;
  readonly source: LicenceGrantConfig;
}

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
  /** Every jurisdiction in which some firm grant exists (any status): the pre-screen's question. */
  readonly firmJurisdictions: readonly string[];
  readonly rules: readonly CompiledRule[];
  readonly fields: ReadonlyMap<string, FieldDefinition>;
  readonly suitability: SuitabilityPolicy;
}
