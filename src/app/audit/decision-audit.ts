import type { Decision } from '../../domain/decision/decision.ts';
import type { PresenceSnapshot } from '../../domain/eligibility/rep-presence.ts';
import type { Lead } from '../../domain/lead/lead.ts';
import type { LedgerEntry, RepLoad, RoutingStateSnapshot, RoutingStateView, StateChanges } from '../../domain/strategies/routing-state.ts';

/**
 * What a decision's audit entry holds (docs/audit.md, docs/routing.md replay): the full decision document, the lead
 * exactly as it was decided on (the routing form: no contact data), the routing state the decision
 * READ (every round-robin ledger row, pool sequence and rep load it looked at, nothing else) and the
 * state changes it made. `decide()` is pure, so the recorded inputs plus the org version the decision
 * names reproduce it.
 */
export interface DecisionAuditPayload {
  readonly decision: Decision;
  readonly lead: Lead;
  /** The routing state the decision read, as a plain snapshot (viewOf(stateRead) answers every read it made). */
  readonly stateRead: RoutingStateSnapshot;
  readonly changes: StateChanges;
  /**
   * The reps who were away at the decision time among those it could choose (rep presence), when any
   * was: an input of decide() like stateRead. Absent = nobody was away (and in entries that predate presence).
   */
  readonly presenceRead?: PresenceSnapshot;
  /**
   * The version of the conversion model snapshot the decision read (an outcome-aware step's input, stored by version
   * in outcome_models), when its org routes on outcomes. Absent = the org does not, or nothing was learned yet.
   */
  readonly outcomeModelRead?: string;
}

/** The inputs of decide() besides the decision, lead and routing state: recorded only when present. */
export interface ExtraDecisionInputs {
  readonly presence?: PresenceSnapshot;
  readonly outcomeModelVersion?: string | undefined;
}

export const decisionAuditPayload = (
  decision: Decision,
  lead: Lead,
  stateRead: RoutingStateSnapshot,
  changes: StateChanges,
  declaredCustomFields: readonly string[],
  extra: ExtraDecisionInputs = {},
): DecisionAuditPayload => ({
  decision,
  lead: routingInputs(lead, declaredCustomFields),
  stateRead,
  changes,
  ...(extra.presence && Object.keys(extra.presence).length > 0 ? { presenceRead: extra.presence } : {}),
  ...(extra.outcomeModelVersion ? { outcomeModelRead: extra.outcomeModelVersion } : {}),
});

/**
 * The lead as the decision could read it (docs/audit.md). Rules can only name the custom fields the
 * org declares (field-registry.ts), so undeclared `custom.*` members — hidden form fields, CRM context
 * such as a page URL that may hold an email — are not inputs of `decide()`: they stay out of the decision
 * entry, which is kept for the legal period after an erasure. The intake entry holds them only as
 * commitments (INTAKE_PERSONAL_PATHS). Declared custom fields are routing inputs and are retained.
 */
export function routingInputs(lead: Lead, declaredCustomFields: readonly string[]): Lead {
  const declared = new Set(declaredCustomFields);
  const custom = Object.fromEntries(Object.entries(lead.custom).filter(([name]) => declared.has(name)));
  return { ...lead, custom };
}

/** Wraps a routing state view and remembers every answer it gave. */
export function recordingView(inner: RoutingStateView): { readonly view: RoutingStateView; snapshot(): RoutingStateSnapshot } {
  const seqs = new Map<string, number>();
  const ledger = new Map<string, Map<string, LedgerEntry>>();
  const loads = new Map<string, RepLoad>();
  const view: RoutingStateView = {
    poolSeq(pool) {
      const s = inner.poolSeq(pool);
      seqs.set(pool, s);
      return s;
    },
    ledgerEntry(pool, repId) {
      const e = inner.ledgerEntry(pool, repId);
      if (!seqs.has(pool)) seqs.set(pool, inner.poolSeq(pool));
      if (e) {
        const reps = ledger.get(pool) ?? new Map<string, LedgerEntry>();
        // A declared pool's day counter is an input too (the member's cap); undeclared entries have none and record as before.
        const day = e.day !== undefined ? { day: e.day, today: e.today ?? 0 } : {};
        reps.set(repId, { assigned: e.assigned, entitled: e.entitled, lastSeq: e.lastSeq, ...day });
        ledger.set(pool, reps);
      }
      return e;
    },
    load(repId) {
      const l = inner.load(repId);
      if (l) loads.set(repId, { open: l.open, day: l.day, today: l.today });
      return l;
    },
  };
  return {
    view,
    snapshot() {
      const pools: Record<string, { seq: number; reps: Record<string, LedgerEntry> }> = {};
      for (const pool of [...seqs.keys()].sort())
        pools[pool] = {
          seq: seqs.get(pool)!,
          reps: Object.fromEntries(
            [...(ledger.get(pool) ?? new Map<string, LedgerEntry>()).entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
          ),
        };
      return { pools, loads: Object.fromEntries([...loads.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) };
    },
  };
}
