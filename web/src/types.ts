/** Shapes of the API answers the console reads (a subset; see /openapi.json). */

export interface Review {
  readonly id: string;
  readonly leadId: string;
  readonly status: 'OPEN' | 'APPROVED' | 'REJECTED';
  readonly kind: string;
  readonly reasonCodes: readonly string[];
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly resolutionJson: string | null;
}

export interface Reason {
  readonly code: string;
  readonly detail: string;
}

export interface LicenceSummary {
  readonly id: string;
  readonly regulator: string;
  readonly jurisdiction: string;
  readonly activity: string;
  readonly productLines: readonly string[];
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly status: string;
}

export interface RepVerdict {
  readonly id: string;
  readonly name: string;
  readonly lawful: boolean;
  readonly available: boolean;
  readonly eligible: boolean;
  readonly reasons: readonly Reason[];
  readonly reliedOn: readonly string[];
}

export interface TeamVerdict {
  readonly id: string;
  readonly name: string;
  readonly entity: string;
  readonly pass: boolean;
  readonly reasons: readonly Reason[];
  readonly licences: readonly LicenceSummary[];
  readonly reliedOn: readonly string[];
  readonly reps: readonly RepVerdict[];
}

export interface Decision {
  readonly decisionId: string;
  readonly leadId: string;
  readonly outcome: string;
  readonly team: { readonly id: string; readonly name: string } | null;
  readonly rep: { readonly id: string; readonly name: string } | null;
  readonly ruleSet: { readonly version: string; readonly hash: string };
  readonly rule: { readonly id: string; readonly description: string | null } | null;
  readonly constraints: {
    readonly jurisdiction: string;
    readonly country: string;
    readonly product: { readonly id: string; readonly productLines: readonly string[] } | null;
    readonly customerType: { readonly declared: string; readonly effective: string };
    readonly screening: { readonly status: string; readonly tags: readonly string[] };
  };
  readonly candidates: readonly TeamVerdict[];
  readonly strategy: { readonly chosenBy: string | null } | null;
  readonly reasons: readonly Reason[];
  readonly summary: string;
  readonly decidedAt: string;
}

export interface HistoryEvent {
  readonly seq: number;
  readonly kind: string;
  readonly actor: string;
  readonly at: string;
  readonly data: Record<string, unknown>;
}

export interface LeadDetail {
  readonly id: string;
  readonly status: string;
  readonly teamId: string | null;
  readonly repId: string | null;
  readonly orgHash: string;
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly lead: Record<string, unknown>;
  readonly contact: Record<string, unknown> | null;
  readonly decision: Decision | null;
  readonly decisions: readonly { decisionId: string; outcome: string; teamId: string | null; repId: string | null; decidedAt: string }[];
  readonly openReview: { id: string; kind: string; reasonCodes: readonly string[]; requestedAt: string } | null;
  readonly history: readonly HistoryEvent[];
}

export interface OrgConfigView {
  readonly version: string;
  readonly hash: string;
  readonly config: {
    readonly teams: readonly { id: string; name: string; entity: string }[];
    readonly reps: readonly { id: string; name: string; team: string; status?: string; weight?: number }[];
    readonly licences: readonly { id: string; holder: { kind: string; entity?: string; rep?: string }; jurisdiction: string; productLines: string[] }[];
    readonly rules: readonly { id: string; description?: string }[];
  } & Record<string, unknown>;
}

export interface ScreeningHit {
  readonly listId: string;
  readonly entryId: string;
  readonly matchedName: string;
  readonly score: number;
  readonly isPep?: boolean;
  readonly isSanctioned?: boolean;
}
