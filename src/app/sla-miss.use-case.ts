import { decide, routingScope } from '../domain/decision/decide.ts';
import type { Decision } from '../domain/decision/decision.ts';
import { LeadSchema } from '../domain/lead/lead.schema.ts';
import { slaConfigOf } from '../domain/org/sla.schema.ts';
import { toIso } from '../domain/shared/zoned-time.ts';
import { rerouteWithExclusions } from '../domain/sla/reroute-exclusion.ts';
import { nextSlaAction, type SlaAction } from '../domain/sla/sla-action.ts';
import { slaPolicyOf } from '../domain/sla/sla-plan.ts';
import type { SlaTimerRecord } from '../store/conduct-port.ts';
import { appendAudit } from './audit-trail.ts';
import { CONDUCT_EVENTS, recordedFacts } from './lead-conduct-view.ts';
import { openReviewForDecision } from './review.use-case.ts';
import { decideAndRecord, withScopeRetry } from './decision-recorder.ts';
import { emitEvent } from './outbox-writer.ts';
import type { ServiceContext } from './service-context.ts';

export type SlaFireOutcome =
  | { readonly outcome: 'stale'; readonly timerId: string; readonly leadId: string; readonly reason: string }
  | {
      readonly outcome: 'missed';
      readonly timerId: string;
      readonly leadId: string;
      readonly missed: 'accept' | 'first_contact';
      readonly attempt: number;
      readonly fromRep: string;
      /** The re-route decision (null when escalating without re-routing). */
      readonly decision: { readonly decisionId: string; readonly outcome: string; readonly repId: string | null; readonly teamId: string | null } | null;
      readonly excluded: readonly string[];
      readonly fellBackToMissed: boolean;
      readonly escalated: boolean;
      readonly reviewId: string | null;
    };

/** Why a due timer no longer applies (the lead moved on), or null when the rep still holds it unanswered. */
function staleReason(timer: SlaTimerRecord, lead: { status: string; repId: string | null } | undefined, firstContactAt: number | undefined): string | null {
  if (!lead) return 'lead gone';
  if (lead.repId !== timer.repId) return `lead is now with ${lead.repId ?? 'nobody'}`;
  if (firstContactAt !== undefined) return 'first contact made';
  if (timer.kind === 'accept' && lead.status !== 'ASSIGNED') return `lead is ${lead.status}`;
  if (timer.kind === 'first_contact' && lead.status !== 'ASSIGNED' && lead.status !== 'ACCEPTED') return `lead is ${lead.status}`;
  return null;
}

/**
 * Fires one due SLA timer (R12) in ONE transaction. The lead row is locked first (the order every
 * lifecycle change uses), then the timer is claimed (PostgreSQL: FOR UPDATE SKIP LOCKED, and only
 * while PENDING), so with several instances each timer fires exactly once. On a miss: eligibility is
 * re-run at this moment via the routing decision with the reps who missed excluded (back to them only
 * when nobody else is eligible), the old rep's capacity is released, the hand-over is recorded
 * (history, audit, outbox lead.reassigned naming both reps); the Nth miss escalates (outbox
 * lead.escalated and a review item); if nobody is eligible the lead goes to review.
 * Returns null when the timer was already handled (or is being handled by another instance).
 */
export async function fireSlaTimer(ctx: ServiceContext, candidate: { readonly id: string; readonly leadId: string }, worker: string): Promise<SlaFireOutcome | null> {
  return withScopeRetry(() =>
    ctx.store.transaction(async (tx): Promise<SlaFireOutcome | null> => {
      const record = await tx.leads.lock(candidate.leadId);
      const timer = await tx.slaTimers.claim(candidate.id);
      if (!timer) return null;
      const now = ctx.clock.now();
      const at = toIso(now);
      if (Date.parse(timer.dueAt) > now) return null;
      const events = record ? await tx.events.listForLead(record.id) : [];
      const stale = staleReason(timer, record, recordedFacts(events).events.first_contact);
      if (stale !== null || !record) {
        await tx.slaTimers.close(timer.id, { status: 'CANCELLED', at, by: worker, outcomeJson: JSON.stringify({ stale }) });
        return { outcome: 'stale', timerId: timer.id, leadId: candidate.leadId, reason: stale ?? 'lead gone' };
      }
      const org = ctx.orgs.current;
      const sla = slaConfigOf(org.config.sla);
      const fired = (await tx.slaTimers.listForLead(record.id)).filter((t) => t.status === 'FIRED');
      const missedBy = [...new Set(fired.map((t) => t.repId))];
      const dueAt = Date.parse(timer.dueAt);
      const action: SlaAction = nextSlaAction(
        {
          leadId: record.id,
          repId: timer.repId,
          assignedAt: Date.parse(timer.assignedAt),
          ...(record.status === 'ACCEPTED' ? { acceptedAt: Date.parse(timer.assignedAt) } : {}),
          acceptDeadline: timer.kind === 'accept' ? dueAt : null,
          firstContactDeadline: timer.kind === 'first_contact' ? dueAt : null,
          previousMisses: fired.length,
          missedBy,
          policy: slaPolicyOf(sla),
        },
        now,
      );
      if (action.kind === 'none') return null;
      // Closed first: the re-route below replaces the lead's pending timers, and this one has fired.
      await tx.slaTimers.close(timer.id, { status: 'FIRED', at, by: worker, outcomeJson: JSON.stringify({ missed: action.missed, reasonCode: action.reasonCode, attempt: action.attempt, action: action.kind }) });
      await tx.events.append({ leadId: record.id, kind: CONDUCT_EVENTS.slaMissed, actor: 'system', at, payloadJson: JSON.stringify({ timerId: timer.id, missed: action.missed, reasonCode: action.reasonCode, repId: timer.repId, dueAt: timer.dueAt, attempt: action.attempt, worker }) });
      await appendAudit(tx, { kind: 'sla', subject: record.id, actor: 'system', at, payload: { action: 'sla.missed', timerId: timer.id, missed: action.missed, reasonCode: action.reasonCode, repId: timer.repId, assignedAt: timer.assignedAt, dueAt: timer.dueAt, attempt: action.attempt, worker } });

      const escalated = action.kind === 'escalate';
      const reroute = action.kind === 'reroute' || action.reroute;
      let decision: Decision | null = null;
      let excluded: readonly string[] = [];
      let fellBackToMissed = false;
      let reviewId: string | null = null;
      if (reroute) {
        const lead = LeadSchema.parse(JSON.parse(record.leadJson));
        // The old rep's capacity first (their row alone), so the decision reads loads after the release.
        await tx.routingState.lockScope({ pools: [], repIds: [timer.repId] });
        await tx.routingState.releaseOpen(timer.repId);
        const state = await tx.routingState.lockScope(routingScope(org, lead, now));
        const trial = rerouteWithExclusions(
          action.missedBy,
          (exclude) => decide({ org, lead, at: now, state, decisionId: 'sla-trial', ...(exclude.length > 0 ? { excludeReps: exclude } : {}) }).decision,
          (d) => d.outcome === 'ASSIGNED',
        );
        excluded = trial.excluded;
        fellBackToMissed = trial.fellBackToMissed;
        decision = await decideAndRecord(tx, { org, clock: ctx.clock, ids: ctx.ids }, lead, now, { excludeReps: excluded });
        await tx.events.append({ leadId: record.id, kind: 'decision', actor: 'system', at: decision.decidedAt, payloadJson: JSON.stringify({ decisionId: decision.decisionId, outcome: decision.outcome, teamId: decision.team?.id ?? null, repId: decision.rep?.id ?? null, reasons: decision.reasons, cause: action.reasonCode }) });
        const handOver = { fromRep: timer.repId, toRep: decision.rep?.id ?? null, toTeam: decision.team?.id ?? null, missed: action.missed, reasonCode: action.reasonCode, attempt: action.attempt, excluded, fellBackToMissed, decisionId: decision.decisionId, outcome: decision.outcome };
        if (decision.outcome !== 'ASSIGNED') reviewId = (await tx.reviews.openForLead(record.id))?.id ?? (await openReviewForDecision(tx, ctx, decision));
        await tx.events.append({ leadId: record.id, kind: CONDUCT_EVENTS.reassigned, actor: 'system', at, payloadJson: JSON.stringify({ ...handOver, reviewId }) });
        await appendAudit(tx, { kind: 'reroute', subject: record.id, actor: 'system', at, payload: { ...handOver, reviewId, timerId: timer.id } });
        await emitEvent(tx, ctx, 'lead.reassigned', { leadId: record.id, ...handOver, reviewId, notify: [timer.repId, ...(decision.rep ? [decision.rep.id] : [])] }, at);
      }
      if (escalated) {
        const open = await tx.reviews.openForLead(record.id);
        if (open) reviewId = open.id;
        else {
          reviewId = ctx.ids.next('rev');
          await tx.reviews.open({ id: reviewId, leadId: record.id, kind: 'SLA_ESCALATION', reasonCodes: [action.reasonCode, 'SLA_ESCALATED'], requestedBy: 'system', requestedAt: at });
          await tx.events.append({ leadId: record.id, kind: 'review.requested', actor: 'system', at, payloadJson: JSON.stringify({ reviewId, kind: 'SLA_ESCALATION', missedBy: action.missedBy, attempt: action.attempt }) });
        }
        const payload = { leadId: record.id, attempt: action.attempt, missed: action.missed, missedBy: action.missedBy, escalateTo: action.escalateTo, currentRep: decision ? (decision.rep?.id ?? null) : timer.repId, reviewId };
        await tx.events.append({ leadId: record.id, kind: CONDUCT_EVENTS.escalated, actor: 'system', at, payloadJson: JSON.stringify(payload) });
        await appendAudit(tx, { kind: 'sla', subject: record.id, actor: 'system', at, payload: { action: 'sla.escalated', ...payload } });
        await emitEvent(tx, ctx, 'lead.escalated', payload, at);
      }
      const summary = decision ? { decisionId: decision.decisionId, outcome: decision.outcome, repId: decision.rep?.id ?? null, teamId: decision.team?.id ?? null } : null;
      return { outcome: 'missed', timerId: timer.id, leadId: record.id, missed: action.missed, attempt: action.attempt, fromRep: timer.repId, decision: summary, excluded, fellBackToMissed, escalated, reviewId };
    }),
  );
}
