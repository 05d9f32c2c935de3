import type { Authority } from '../eligibility/licence-coverage.ts';
import type { Capability, CustomerType, ExperienceLevel, LicenceGrantConfig } from './org-config.schema.ts';

/** Teams, reps and grants as indexed for routing. */

/** How a grant or appointment appears in a decision record; built once per published version. */
export interface LicenceSummary {
  readonly id: string;
  readonly regulator: string;
  readonly jurisdiction: string;
  readonly activity: string;
  readonly productLines: readonly string[];
  readonly customerTypes: readonly string[];
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly status: string;
  readonly sourceRef: string | null;
}

/** Why a team is closed on a day: a public holiday (from the materialised calendar) or a day the org closed it. */
export interface ClosedDay {
  readonly kind: 'public-holiday' | 'closed';
  readonly name: string;
}

export interface CompiledTeam {
  readonly id: string;
  readonly name: string;
  readonly entity: string;
  readonly mandate: {
    readonly jurisdictions: readonly string[];
    readonly productLines: readonly string[];
    /** Absent (unregulated teams only): every customer type. */
    readonly customerTypes?: readonly CustomerType[] | undefined;
  };
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
  readonly status: 'active' | 'paused' | 'inactive' | 'left';
  /**
   * The team's closed days (public holidays materialised into the version, and extra closed days): local date
   * (YYYY-MM-DD, read in the rep's time zone) → why. Empty for a team without a calendar.
   */
  readonly closedDays: ReadonlyMap<string, ClosedDay>;
  readonly capacity: { readonly maxOpenLeads?: number | undefined; readonly maxLeadsPerDay?: number | undefined };
  readonly skills: readonly string[];
  readonly languages: readonly string[];
  readonly experience: ExperienceLevel;
  readonly weight: number;
  readonly territory?:
    | { readonly jurisdictions: readonly string[]; readonly postalPrefixes: readonly string[]; readonly timeZones: readonly string[] }
    | undefined;
  readonly massMarketOnly: boolean;
  /** Rep's own capabilities plus its team's. */
  readonly capabilities: readonly Capability[];
  readonly grants: readonly GrantAuthority[];
  readonly appointments: readonly AppointmentAuthority[];
}

export interface GrantAuthority extends Authority {
  readonly regulator: string;
  readonly activity: string;
  readonly source: LicenceGrantConfig;
  readonly summary: LicenceSummary;
}

export interface AppointmentAuthority extends Authority {
  readonly carrier: string;
  readonly summary: LicenceSummary;
}

/** A declared round-robin pool (docs/routing.md "Declared pools"). */
export interface CompiledPool {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  /** In config order. weight null: the rep's own weight; cap null: no per-day cap. null: an open pool (every eligible rep). */
  readonly members: readonly { readonly rep: string; readonly weight: number | null; readonly cap: number | null }[] | null;
}
