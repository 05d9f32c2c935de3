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

// The decision document's own types, imported rather than restated (type-only: erased from the bundle).
export type { Decision, DecisionReason as Reason } from '../../src/domain/decision/decision.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import type { OutcomeChannel, OutcomeKind } from '../../src/domain/outcomes/outcome-kind.ts';

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
    readonly licences: readonly {
      id: string;
      holder: { kind: string; entity?: string; rep?: string };
      jurisdiction: string;
      productLines: string[];
    }[];
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

/** One of a lead's outcomes (GET /v1/leads/:id/outcomes, docs/outcomes.md); the fields the console shows. */
export interface LeadOutcome {
  readonly id: string;
  readonly seq: number;
  readonly kind: OutcomeKind;
  readonly value: number | null;
  readonly currency: string | null;
  readonly reasonCode: string;
  readonly note: string | null;
  readonly closedAt: string;
  readonly recordedBy: string;
  readonly channel: OutcomeChannel;
}
