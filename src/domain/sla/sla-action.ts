/**
 * SLA escalation ladder (R12, docs/conduct.md): misses 1 … escalateAfterMisses−1 re-route, the
 * `escalateAfterMisses`-th escalates once, and any later miss parks the lead (bounded: nothing fires after).
 */
export interface SlaPolicy {
  readonly escalateAfterMisses: number;
  /** Who is told: a team lead, ops, a named queue. */
  readonly escalateTo: string;
  /** Keep re-routing while escalating. */
  readonly rerouteOnEscalation: boolean;
}

export interface LeadSlaState {
  readonly leadId: string;
  /** The rep currently holding the lead. */
  readonly repId: string;
  readonly assignedAt: number;
  readonly acceptedAt?: number | undefined;
  readonly firstContactAt?: number | undefined;
  /** From slaDeadline(assignedAt, accept window, rep calendar); null = no accept SLA. */
  readonly acceptDeadline: number | null;
  /** From slaDeadline(…, first-contact window, …); null = no first-contact SLA. */
  readonly firstContactDeadline: number | null;
  /** SLA misses already recorded on this lead (earlier reps). */
  readonly previousMisses: number;
  /** Reps who already missed on this lead, oldest first. */
  readonly missedBy: readonly string[];
  readonly policy: SlaPolicy;
}

export type SlaMiss = 'accept' | 'first_contact';

export type SlaAction =
  | { readonly kind: 'none'; readonly nextCheckAt: number | null }
  | {
      readonly kind: 'reroute';
      readonly missed: SlaMiss;
      readonly attempt: number;
      readonly reasonCode: SlaReasonCode;
      readonly fromRep: string;
      readonly missedBy: readonly string[];
    }
  | {
      readonly kind: 'escalate';
      readonly missed: SlaMiss;
      readonly attempt: number;
      readonly reasonCode: SlaReasonCode;
      readonly fromRep: string;
      readonly missedBy: readonly string[];
      readonly escalateTo: string;
      readonly reroute: boolean;
    }
  | {
      /** The ladder is exhausted: the lead waits in the review queue and its SLA timers stop. */
      readonly kind: 'park';
      readonly missed: SlaMiss;
      readonly attempt: number;
      readonly reasonCode: SlaReasonCode;
      readonly fromRep: string;
      readonly missedBy: readonly string[];
    };

/** A rung of the ladder. */
export type SlaLadderStep = 'reroute' | 'escalate' | 'park';

/**
 * The rung for the `attempt`-th miss on one lead (1-based). Bounded by construction: escalation happens
 * on exactly one attempt, and every attempt after it parks, so a lead sees at most escalateAfterMisses + 1 steps.
 */
export function slaLadderStep(policy: Pick<SlaPolicy, 'escalateAfterMisses'>, attempt: number): SlaLadderStep {
  if (attempt < policy.escalateAfterMisses) return 'reroute';
  return attempt === policy.escalateAfterMisses ? 'escalate' : 'park';
}

export type { SlaReasonCode } from './sla-reason-codes.ts';
import type { SlaReasonCode } from './sla-reason-codes.ts';

const REASON: { readonly [M in SlaMiss]: SlaReasonCode } = { accept: 'SLA_ACCEPT_MISSED', first_contact: 'SLA_FIRST_CONTACT_MISSED' };

/** What the SLA watcher should do for a lead at `now` (pure; the caller records and performs it). */
export function nextSlaAction(state: LeadSlaState, now: number): SlaAction {
  if (state.firstContactAt !== undefined) return { kind: 'none', nextCheckAt: null };
  const missed: SlaMiss | null =
    state.acceptedAt === undefined
      ? state.acceptDeadline !== null && now >= state.acceptDeadline
        ? 'accept'
        : null
      : state.firstContactDeadline !== null && now >= state.firstContactDeadline
        ? 'first_contact'
        : null;
  if (missed === null) {
    const pending = state.acceptedAt === undefined ? [state.acceptDeadline, state.firstContactDeadline] : [state.firstContactDeadline];
    const next = pending.filter((d): d is number => d !== null && d > now);
    return { kind: 'none', nextCheckAt: next.length > 0 ? Math.min(...next) : null };
  }
  const attempt = state.previousMisses + 1;
  const missedBy = state.missedBy.includes(state.repId) ? state.missedBy : [...state.missedBy, state.repId];
  const base = { missed, attempt, reasonCode: REASON[missed], fromRep: state.repId, missedBy } as const;
  const step = slaLadderStep(state.policy, attempt);
  if (step === 'escalate')
    return { kind: 'escalate', ...base, escalateTo: state.policy.escalateTo, reroute: state.policy.rerouteOnEscalation };
  return { kind: step, ...base };
}
