import { decide, routingScope } from '../../domain/decision/decide.ts';
import { SLA_ESCALATED, SLA_EXHAUSTED, SLA_SOLE_LAWFUL_REP } from '../../domain/sla/sla-reason-codes.ts';
import type { Decision } from '../../domain/decision/decision.ts';
import { LeadSchema } from '../../domain/lead/lead.schema.ts';
import { slaConfigOf } from '../../domain/org/sla.schema.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { rerouteWithExclusions } from '../../domain/sla/reroute-exclusion.ts';
import { nextSlaAction, type SlaAction } from '../../domain/sla/sla-action.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { slaPolicyOf } from '../../domain/sla/sla-plan.ts';
import { isDeadlineTimer, warnedDeadline } from '../../domain/sla/sla-warning.ts';
import type { SlaTimerRecord } from '../../store/ports/conduct.port.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { recordDecisionOutcome, recordLeadEvents } from '../events/record-lead-events.ts';
import { recordedFacts } from '../conduct/lead-conduct-view.ts';
import { decideAndRecord, withScopeRetry } from '../routing/decision-recorder.ts';
import { lockScopeWithPresence } from '../routing/presence-input.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { fireSlaWarning, type SlaWarned } from './sla-warning.use-case.ts';

export type SlaFireOutcome =
  | SlaWarned
  | { readonly outcome: 'stale'; readonly timerId: string; readonly leadId: string; readonly reason: string }
  | {
      readonly outcome: 'missed';
      readonly timerId: string;
      readonly leadId: string;
      readonly missed: 'accept' | 'first_contact';
      readonly attempt: number;
      readonly fromRep: string;
      /** The re-route decision (null when escalating without re-routing). */
      readonly decision: {
        readonly decisionId: string;
        readonly outcome: string;
        readonly repId: string | null;
        readonly teamId: string | null;
      } | null;
      readonly excluded: readonly string[];
      readonly fellBackToMissed: boolean;
      readonly escalated: boolean;
      /** The ladder ended here: parked in the review queue, timers stopped. */
      readonly parked: boolean;
      readonly reviewId: string | null;
    };

/**
 * Why a due timer no longer applies (the lead moved on), or null when the rep still holds it unanswered. A warning
 * applies exactly as long as the deadline it warns of.
 */
function staleReason(
  timer: Pick<SlaTimerRecord, 'repId' | 'kind'>,
  lead: { status: string; repId: string | null } | undefined,
  firstContactAt: number | undefined,
): string | null {
  if (!lead) return 'lead gone';
  if (lead.repId !== timer.repId) return `lead is now with ${lead.repId ?? 'nobody'}`;
  if (firstContactAt !== undefined) return 'first contact made';
  if (timer.kind === 'accept' && lead.status !== 'ASSIGNED') return `lead is ${lead.status}`;
  if (timer.kind === 'first_contact' && lead.status !== 'ASSIGNED' && lead.status !== 'ACCEPTED') return `lead is ${lead.status}`;
  return null;
}

/** A miss to act on (reroute or escalate): what nextSlaAction said, for which timer, at what moment. */
type MissAction = Exclude<SlaAction, { kind: 'none' }>;

interface MissContext {
  readonly tx: UnitOfWork;
  readonly ctx: ServiceContext;
  readonly org: CompiledOrg;
  readonly record: LeadRecord;
  readonly timer: SlaTimerRecord;
  readonly action: MissAction;
  readonly now: number;
  readonly at: string;
}

interface Reroute {
  readonly decision: Decision;
  readonly excluded: readonly string[];
  readonly fellBackToMissed: boolean;
  readonly reviewId: string | null;
}

/**
 * Fires one due SLA timer (docs/conduct.md) in ONE transaction. The lead row is locked first (the order
 * every lifecycle change uses), then the timer is claimed (PostgreSQL: FOR UPDATE SKIP LOCKED, and only
 * while PENDING), so with several instances each timer fires exactly once. A timer whose lead moved on is
 * cancelled as stale. On a miss: the miss is recorded, then the lead is re-routed away from the reps who
 * missed (rerouteAfterMiss) and/or escalated (escalate). Returns null when the timer was already handled
 * (or is being handled by another instance), or is not due or not missed yet.
 */
export async function fireSlaTimer(
  ctx: ServiceContext,
  candidate: { readonly id: string; readonly leadId: string },
  worker: string,
): Promise<SlaFireOutcome | null> {
  return withScopeRetry(() =>
    ctx.store.transaction(async (tx): Promise<SlaFireOutcome | null> => {
      const record = await tx.leads.lock(candidate.leadId);
      const timer = await tx.slaTimers.claim(candidate.id);
      if (!timer) return null;
      const now = ctx.clock.now();
      const at = toIso(now);
      if (Date.parse(timer.dueAt) > now) return null;
      const events = record ? await tx.events.listForLead(record.id) : [];
      const deadline = warnedDeadline(timer.kind);
      const stale = staleReason({ repId: timer.repId, kind: deadline ?? timer.kind }, record, recordedFacts(events).events.first_contact);
      if (stale !== null || !record) {
        await tx.slaTimers.close(timer.id, { status: 'CANCELLED', at, by: worker, outcomeJson: JSON.stringify({ stale }) });
        return { outcome: 'stale', timerId: timer.id, leadId: candidate.leadId, reason: stale ?? 'lead gone' };
      }
      if (deadline !== null) return fireSlaWarning(tx, ctx, { record, timer, deadline, now }, worker);
      const action = await nextActionFor(tx, ctx.orgs.current, record, timer, now);
      if (action.kind === 'none') return null;
      const miss: MissContext = { tx, ctx, org: ctx.orgs.current, record, timer, action, now, at };
      await recordMiss(miss, worker);
      if (action.kind === 'park') return missedOutcome(miss, null, await park(miss, worker));
      const reroute = action.kind === 'reroute' || action.reroute ? await rerouteAfterMiss(miss) : null;
      const escalatedReview = action.kind === 'escalate' ? await escalate(miss, reroute) : null;
      return missedOutcome(miss, reroute, escalatedReview);
    }),
  );
}

/** What the SLA policy says about this timer now, given the lead's earlier misses. */
async function nextActionFor(tx: UnitOfWork, org: CompiledOrg, record: LeadRecord, timer: SlaTimerRecord, now: number): Promise<SlaAction> {
  const fired = (await tx.slaTimers.listForLead(record.id)).filter((t) => t.status === 'FIRED' && isDeadlineTimer(t.kind));
  const dueAt = Date.parse(timer.dueAt);
  return nextSlaAction(
    {
      leadId: record.id,
      repId: timer.repId,
      assignedAt: Date.parse(timer.assignedAt),
      ...(record.status === 'ACCEPTED' ? { acceptedAt: Date.parse(timer.assignedAt) } : {}),
      acceptDeadline: timer.kind === 'accept' ? dueAt : null,
      firstContactDeadline: timer.kind === 'first_contact' ? dueAt : null,
      previousMisses: fired.length,
      missedBy: [...new Set(fired.map((t) => t.repId))],
      policy: slaPolicyOf(slaConfigOf(org.config.sla)),
    },
    now,
  );
}

/** The timer closes as FIRED first (the re-route replaces the lead's pending timers), then the miss is recorded. */
async function recordMiss({ tx, ctx, record, timer, action, at }: MissContext, worker: string): Promise<void> {
  const { missed, reasonCode, attempt } = action;
  await tx.slaTimers.close(timer.id, {
    status: 'FIRED',
    at,
    by: worker,
    outcomeJson: JSON.stringify({ missed, reasonCode, attempt, action: action.kind }),
  });
  const facts = {
    timerId: timer.id,
    missed,
    reasonCode,
    repId: timer.repId,
    assignedAt: timer.assignedAt,
    dueAt: timer.dueAt,
    attempt,
    worker,
  };
  await recordLeadEvents(tx, ctx, [{ kind: 'sla.missed', leadId: record.id, actor: 'system', at, miss: facts }]);
}

/**
 * Eligibility re-run at this moment with the reps who missed excluded (back to them only when nobody else
 * is eligible); the old rep's capacity is released first; the hand-over names both reps (lead.reassigned).
 */
async function rerouteAfterMiss({ tx, ctx, org, record, timer, action, now, at }: MissContext): Promise<Reroute> {
  const lead = LeadSchema.parse(JSON.parse(record.leadJson));
  // The old rep's capacity first (their row alone), so the decision reads loads after the release.
  await tx.routingState.lockScope({ pools: [], repIds: [timer.repId] });
  await tx.routingState.releaseOpen(timer.repId);
  const scope = routingScope(org, lead, now);
  const { state, presence } = await lockScopeWithPresence(tx, scope);
  const { excluded, fellBackToMissed } = rerouteWithExclusions(
    action.missedBy,
    (exclude) =>
      decide({ org, lead, at: now, state, presence, decisionId: 'sla-trial', ...(exclude.length > 0 ? { excludeReps: exclude } : {}) })
        .decision,
    (trial) => trial.outcome === 'ASSIGNED',
    timer.repId,
  );
  const decision = await decideAndRecord(tx, { org, clock: ctx.clock, ids: ctx.ids }, lead, now, { excludeReps: excluded });
  const { reviewId } = await recordDecisionOutcome(tx, ctx, decision, { actor: 'system', slaCause: action.reasonCode });
  const handOver = {
    fromRep: timer.repId,
    toRep: decision.rep?.id ?? null,
    toTeam: decision.team?.id ?? null,
    missed: action.missed,
    reasonCode: action.reasonCode,
    attempt: action.attempt,
    excluded,
    fellBackToMissed,
    decisionId: decision.decisionId,
    outcome: decision.outcome,
    ...(decision.rep?.id === timer.repId ? { sameRepReasonCode: SLA_SOLE_LAWFUL_REP } : {}),
  };
  await recordLeadEvents(tx, ctx, [
    { kind: 'sla.reassigned', leadId: record.id, actor: 'system', at, handOver, reviewId, timerId: timer.id },
  ]);
  return { decision, excluded, fellBackToMissed, reviewId };
}

/** The Nth miss: an SLA_ESCALATION review (unless one is open already) and lead.escalated. Returns the review id. */
async function escalate({ tx, ctx, record, timer, action, at }: MissContext, reroute: Reroute | null): Promise<string | null> {
  if (action.kind !== 'escalate') return null;
  let reviewId = (await tx.reviews.openForLead(record.id))?.id ?? null;
  if (reviewId === null) {
    reviewId = ctx.ids.next('rev');
    const reasonCodes = [action.reasonCode, SLA_ESCALATED];
    await tx.reviews.open({ id: reviewId, leadId: record.id, kind: 'SLA_ESCALATION', reasonCodes, requestedBy: 'system', requestedAt: at });
    const request = { leadId: record.id, actor: 'system', at, reviewId, missedBy: action.missedBy, attempt: action.attempt };
    await recordLeadEvents(tx, ctx, [{ kind: 'review.requested.sla_escalation', ...request }]);
  }
  const currentRep = reroute ? (reroute.decision.rep?.id ?? null) : timer.repId;
  const escalation = {
    leadId: record.id,
    attempt: action.attempt,
    missed: action.missed,
    missedBy: action.missedBy,
    escalateTo: action.escalateTo,
    currentRep,
    reviewId,
  };
  await recordLeadEvents(tx, ctx, [{ kind: 'sla.escalated', leadId: record.id, actor: 'system', at, escalation }]);
  return reviewId;
}

/**
 * The ladder's last rung: the lead stays with its rep but waits in the review queue (a new SLA_EXHAUSTED review,
 * or the review already open — a lead has one open review at a time), and its pending SLA timers are cancelled
 * so nothing fires again for it. Returns the review id.
 */
async function park({ tx, ctx, record, timer, action, at }: MissContext, worker: string): Promise<string> {
  const open = await tx.reviews.openForLead(record.id);
  const reviewId = open?.id ?? ctx.ids.next('rev');
  if (!open) {
    const reasonCodes = [action.reasonCode, SLA_EXHAUSTED];
    await tx.reviews.open({ id: reviewId, leadId: record.id, kind: SLA_EXHAUSTED, reasonCodes, requestedBy: 'system', requestedAt: at });
  }
  const timersStopped = await tx.slaTimers.cancelPending(record.id, { at, by: `${worker}: ${SLA_EXHAUSTED}` });
  const parking = {
    leadId: record.id,
    attempt: action.attempt,
    missed: action.missed,
    missedBy: action.missedBy,
    reasonCode: SLA_EXHAUSTED,
    currentRep: timer.repId,
    reviewId,
    reviewKind: open?.kind ?? SLA_EXHAUSTED,
    timersStopped,
  };
  await recordLeadEvents(tx, ctx, [{ kind: 'sla.parked', leadId: record.id, actor: 'system', at, parking }]);
  return reviewId;
}

function missedOutcome({ record, timer, action }: MissContext, reroute: Reroute | null, escalatedReview: string | null): SlaFireOutcome {
  const decision = reroute?.decision;
  const summary = decision
    ? { decisionId: decision.decisionId, outcome: decision.outcome, repId: decision.rep?.id ?? null, teamId: decision.team?.id ?? null }
    : null;
  return {
    outcome: 'missed',
    timerId: timer.id,
    leadId: record.id,
    missed: action.missed,
    attempt: action.attempt,
    fromRep: timer.repId,
    decision: summary,
    excluded: reroute?.excluded ?? [],
    fellBackToMissed: reroute?.fellBackToMissed ?? false,
    escalated: action.kind === 'escalate',
    parked: action.kind === 'park',
    reviewId: escalatedReview ?? reroute?.reviewId ?? null,
  };
}
