import { decide } from '../../domain/decision/decide.ts';
import { DECISION_OUTCOMES, type Decision, type DecisionOutcome } from '../../domain/decision/decision.ts';
import type { Lead } from '../../domain/lead/lead.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { InMemoryRoutingState } from '../../domain/strategies/in-memory-routing-state.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { ConversionModelBuilder, type ConversionModelSnapshot } from '../../domain/outcomes/conversion-model.ts';
import type { OutcomeFact } from '../../domain/outcomes/outcome-fact.ts';
import { policyEvaluation, type PolicyEvaluation } from './policy-evaluation.ts';

/**
 * Simulation (docs/sources.md, docs/routing.md): replay recorded leads against a draft org/rule version and show what
 * would change, before publishing. Read-only: it reads leads and their first (intake) decision
 * from the store and routes them again with decide() over an in-memory routing state (so the
 * draft's own round robin is simulated); nothing is written anywhere.
 *
 * Replay fidelity: each lead is decided at the moment it was decided then (licence validity and
 * working hours as they were), from the normalised lead as recorded. The in-memory state starts
 * empty, so a replay that starts mid-history (--since, --limit over a busy store) can show
 * round-robin rep changes that are artefacts of the starting point; team changes, refusals and
 * holds never depend on it.
 */

export interface SimulationOptions {
  /** Only leads received at or after this ISO instant. */
  readonly since?: string | undefined;
  /** At most this many leads (oldest first). */
  readonly limit: number;
  /**
   * Known outcomes (lead id → 1 WON, 0 LOST): with them the diff carries an off-policy evaluation of the draft
   * (docs/outcome-routing.md "Evaluation"). DISQUALIFIED and open leads are left out by the caller.
   */
  readonly rewards?: ReadonlyMap<string, number>;
  /**
   * Recorded outcome facts the draft's outcome-aware steps learn from as the replay goes: a lead replayed at time t
   * sees a model of the outcomes closed before t only, never its own or later ones (no look-ahead, so an off-policy
   * estimate is not flattered by outcomes the policy could not have known). Absent: nothing learned.
   */
  readonly outcomeFacts?: readonly OutcomeFact[];
}

export interface RoutingView {
  readonly outcome: DecisionOutcome;
  readonly teamId: string | null;
  readonly repId: string | null;
  readonly reasonCodes: readonly string[];
}

export interface LeadChange {
  readonly leadId: string;
  readonly receivedAt: string;
  readonly jurisdiction: string;
  readonly product: string;
  readonly recorded: RoutingView & { readonly orgHash: string };
  readonly simulated: RoutingView & { readonly ruleId: string | null; readonly summary: string };
}

export interface FairnessShift {
  readonly repId: string;
  readonly teamId: string | null;
  readonly recorded: number;
  readonly simulated: number;
  readonly shift: number;
}

export interface SimulationDiff {
  readonly draft: { readonly version: string; readonly hash: string };
  readonly window: { readonly since: string | null; readonly limit: number; readonly from: string | null; readonly to: string | null };
  /** Leads routed again. */
  readonly replayed: number;
  /** Leads not replayed: duplicates (never routed) and leads without a recorded decision. */
  readonly skipped: { readonly duplicates: number; readonly undecided: number };
  /** Recorded under these org versions (hash → leads). */
  readonly recordedVersions: Readonly<Record<string, number>>;
  readonly newRefusals: readonly LeadChange[];
  readonly noLongerRefused: readonly LeadChange[];
  readonly newHolds: readonly LeadChange[];
  readonly noLongerHeld: readonly LeadChange[];
  /** Other outcome changes (e.g. ASSIGNED → QUEUED, NURTURE → ASSIGNED). */
  readonly outcomeChanges: readonly LeadChange[];
  /** Same outcome, another team. */
  readonly teamChanges: readonly LeadChange[];
  /** Same outcome and team, another rep. */
  readonly repChanges: readonly LeadChange[];
  /** Assigned leads per rep, recorded vs simulated (reps whose count changes, largest shift first). */
  readonly fairness: readonly FairnessShift[];
  /** Outcome counts, recorded vs simulated. */
  readonly outcomes: Readonly<Record<DecisionOutcome, { readonly recorded: number; readonly simulated: number }>>;
  /** Only when outcomes were given (SimulationOptions.rewards). */
  readonly evaluation?: PolicyEvaluation;
  /** true when nothing at all would change. */
  readonly unchanged: boolean;
}

const PAGE = 500;

const viewOf = (d: Pick<Decision, 'outcome' | 'team' | 'rep' | 'reasons'>): RoutingView => ({
  outcome: d.outcome,
  teamId: d.team?.id ?? null,
  repId: d.rep?.id ?? null,
  reasonCodes: [...new Set(d.reasons.map((r) => String(r.code)))],
});

type Bucket = 'newRefusals' | 'noLongerRefused' | 'newHolds' | 'noLongerHeld' | 'outcomeChanges' | 'teamChanges' | 'repChanges';

function bucketOf(rec: RoutingView, sim: RoutingView): Bucket | null {
  if (rec.outcome !== sim.outcome) {
    if (sim.outcome === 'REFUSED') return 'newRefusals';
    if (rec.outcome === 'REFUSED') return 'noLongerRefused';
    if (sim.outcome === 'HELD') return 'newHolds';
    if (rec.outcome === 'HELD') return 'noLongerHeld';
    return 'outcomeChanges';
  }
  if (rec.teamId !== sim.teamId) return 'teamChanges';
  if (rec.repId !== sim.repId) return 'repChanges';
  return null;
}

type AssignedTally = Map<string, { teamId: string | null; recorded: number; simulated: number }>;

function emptyBuckets(): Record<Bucket, LeadChange[]> {
  return {
    newRefusals: [],
    noLongerRefused: [],
    newHolds: [],
    noLongerHeld: [],
    outcomeChanges: [],
    teamChanges: [],
    repChanges: [],
  };
}

function emptyOutcomeTally(): Record<DecisionOutcome, { recorded: number; simulated: number }> {
  return Object.fromEntries(DECISION_OUTCOMES.map((o) => [o, { recorded: 0, simulated: 0 }])) as Record<
    DecisionOutcome,
    { recorded: number; simulated: number }
  >;
}

function countAssignment(assigned: AssignedTally, repId: string | null, teamId: string | null, field: 'recorded' | 'simulated'): void {
  if (repId === null) return;
  const row = assigned.get(repId) ?? { teamId, recorded: 0, simulated: 0 };
  row[field] += 1;
  assigned.set(repId, row);
}

/** Reps whose assignment count moves under the draft, biggest shift first. */
function fairnessShifts(assigned: AssignedTally) {
  return [...assigned.entries()]
    .map(([repId, r]) => ({ repId, teamId: r.teamId, recorded: r.recorded, simulated: r.simulated, shift: r.simulated - r.recorded }))
    .filter((f) => f.shift !== 0)
    .sort((a, b) => Math.abs(b.shift) - Math.abs(a.shift) || a.repId.localeCompare(b.repId));
}

/** One lead whose routing would change, as the diff lists it. */
function changeOf(
  rec: { readonly id: string; readonly receivedAt: string },
  lead: Lead,
  orgHash: string,
  recorded: RoutingView,
  decision: Decision,
): LeadChange {
  return {
    leadId: rec.id,
    receivedAt: rec.receivedAt,
    jurisdiction: lead.jurisdiction,
    product: lead.product,
    recorded: { ...recorded, orgHash },
    simulated: { ...viewOf(decision), ruleId: decision.rule?.id ?? null, summary: decision.summary },
  };
}

/**
 * The model a replayed decision at time t reads: the facts closed before t. Leads are replayed in id order, which is
 * arrival order, so t mostly grows; a lead decided earlier than the one before it gets a model rebuilt from scratch.
 */
function learningReplay(facts: readonly OutcomeFact[] | undefined): (at: number) => ConversionModelSnapshot | undefined {
  if (!facts || facts.length === 0) return () => undefined;
  const sorted = [...facts].sort((a, b) => a.closedAt - b.closedAt);
  let builder = new ConversionModelBuilder();
  let next = 0;
  let current: ConversionModelSnapshot | undefined;
  return (at) => {
    if (next > 0 && sorted[next - 1]!.closedAt >= at) [builder, next, current] = [new ConversionModelBuilder(), 0, undefined];
    const before = next;
    while (next < sorted.length && sorted[next]!.closedAt < at) builder.add(sorted[next++]!);
    if (next > 0 && (next !== before || !current)) current = builder.snapshot();
    return current;
  };
}

export async function simulateDraft(
  store: Pick<Store, 'leads' | 'decisions'>,
  draft: CompiledOrg,
  opts: SimulationOptions,
): Promise<SimulationDiff> {
  const state = new InMemoryRoutingState();
  const buckets = emptyBuckets();
  const assigned: AssignedTally = new Map();
  const outcomes = emptyOutcomeTally();
  const recordedVersions: Record<string, number> = {};
  const skipped = { duplicates: 0, undecided: 0 };
  let replayed = 0;
  let seen = 0;
  let after: string | undefined;
  let from: string | null = null;
  let to: string | null = null;
  const count = (repId: string | null, teamId: string | null, field: 'recorded' | 'simulated') =>
    countAssignment(assigned, repId, teamId, field);
  const evaluation = policyEvaluation(opts.rewards);
  const modelAt = learningReplay(opts.outcomeFacts);

  while (seen < opts.limit) {
    const page = await store.leads.page({
      limit: Math.min(PAGE, opts.limit - seen),
      ...(opts.since ? { receivedFrom: opts.since } : {}),
      ...(after ? { after } : {}),
    });
    if (page.length === 0) break;
    for (const rec of page) {
      seen += 1;
      after = rec.id;
      from ??= rec.receivedAt;
      to = rec.receivedAt;
      if (rec.status === 'DUPLICATE') {
        skipped.duplicates += 1;
        continue;
      }
      const first = (await store.decisions.listForLead(rec.id))[0];
      if (!first) {
        skipped.undecided += 1;
        continue;
      }
      const recordedDecision = JSON.parse(first.documentJson) as Decision;
      const lead = JSON.parse(rec.leadJson) as Lead;
      const at = Date.parse(first.decidedAt);
      const outcomeModel = modelAt(at);
      const decisionId = `sim-${replayed + 1}`;
      const { decision, changes } = decide({ org: draft, lead, at, state, decisionId, ...(outcomeModel ? { outcomeModel } : {}) });
      state.apply(changes);
      evaluation.observe(rec.id, recordedDecision, decision);
      replayed += 1;
      recordedVersions[first.orgHash] = (recordedVersions[first.orgHash] ?? 0) + 1;
      const recorded = viewOf(recordedDecision);
      const simulated = viewOf(decision);
      outcomes[recorded.outcome].recorded += 1;
      outcomes[simulated.outcome].simulated += 1;
      if (recorded.outcome === 'ASSIGNED') count(recorded.repId, recorded.teamId, 'recorded');
      if (simulated.outcome === 'ASSIGNED') count(simulated.repId, simulated.teamId, 'simulated');
      const bucket = bucketOf(recorded, simulated);
      if (bucket) buckets[bucket].push(changeOf(rec, lead, first.orgHash, recorded, decision));
    }
  }

  const fairness = fairnessShifts(assigned);
  const unchanged = Object.values(buckets).every((b) => b.length === 0) && fairness.length === 0;
  return {
    draft: { version: draft.version, hash: draft.hash },
    window: { since: opts.since ?? null, limit: opts.limit, from, to },
    replayed,
    skipped,
    recordedVersions,
    ...buckets,
    fairness,
    outcomes,
    unchanged,
    ...(opts.rewards ? { evaluation: evaluation.result() } : {}),
  };
}
