import type { Decision } from '../../domain/decision/decision.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { emitEvent } from './outbox-writer.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { projectLeadEvent, type LeadEvent } from './lead-events.ts';

/**
 * The one writer of lead events: for each event, in order, its history entry, its audit inbox entry
 * and its outbox message, all in the caller's transaction — so the three commit or roll back together.
 * The history entries go in with one statement (their seqs keep the events' order).
 */
export async function recordLeadEvents(
  tx: UnitOfWork,
  ctx: Pick<ServiceContext, 'ids' | 'notify'>,
  events: readonly LeadEvent[],
): Promise<void> {
  const projected = events.map((event) => projectLeadEvent(event));
  const histories = projected.flatMap(({ history }) =>
    history
      ? [{ leadId: history.leadId, kind: history.kind, actor: history.actor, at: history.at, payloadJson: JSON.stringify(history.payload) }]
      : [],
  );
  if (histories.length > 0) await tx.events.record(histories);
  for (const { audit, outbox } of projected) {
    if (audit) await appendAudit(tx, audit);
    if (outbox) await emitEvent(tx, ctx, outbox.type, outbox.data, outbox.at);
  }
}

export interface DecisionOutcomeOptions {
  /** Who caused the decision (an API key, 'system', 'queue'). */
  readonly actor: string;
  /** The SLA reason code when the decision re-routes a lead after a missed SLA. */
  readonly slaCause?: string;
  /** The bulk reassignment that made this decision (its lead.reassigned message replaces the outcome's). */
  readonly reassignmentId?: string;
}

/**
 * When a decision needs a person: every refusal or hold (compliance must see it), and a lead that an
 * SLA miss left with nobody assigned (docs/conduct.md). A lead never has two open reviews: an open one
 * is reused.
 */
export const needsReview = (decision: Decision, slaCause: string | undefined): boolean =>
  decision.outcome === 'REFUSED' || decision.outcome === 'HELD' || (slaCause !== undefined && decision.outcome !== 'ASSIGNED');

/**
 * The steps after every routing decision (decideAndRecord), whichever path decided — intake,
 * re-decision (screening, queue), SLA re-route: the review it needs, the history entry, and the
 * outbound message, all through recordLeadEvents. Returns the review the lead is now waiting on.
 */
export async function recordDecisionOutcome(
  tx: UnitOfWork,
  ctx: Pick<ServiceContext, 'ids' | 'notify'>,
  decision: Decision,
  options: DecisionOutcomeOptions,
): Promise<{ readonly reviewId: string | null }> {
  const fact = { leadId: decision.leadId, actor: options.actor, at: decision.decidedAt };
  const cause = {
    ...(options.slaCause === undefined ? {} : { slaCause: options.slaCause }),
    ...(options.reassignmentId === undefined ? {} : { reassignmentId: options.reassignmentId }),
  };
  if (!needsReview(decision, options.slaCause)) {
    await recordLeadEvents(tx, ctx, [{ ...fact, kind: 'decision.recorded', decision, reviewId: null, ...cause }]);
    return { reviewId: null };
  }
  const open = await tx.reviews.openForLead(decision.leadId);
  if (open) {
    await recordLeadEvents(tx, ctx, [{ ...fact, kind: 'decision.recorded', decision, reviewId: open.id, ...cause }]);
    return { reviewId: open.id };
  }
  const reviewId = ctx.ids.next('rev');
  const reasonCodes = decision.reasons.map((reason) => String(reason.code));
  await tx.reviews.open({
    id: reviewId,
    leadId: decision.leadId,
    kind: decision.outcome,
    reasonCodes,
    requestedBy: 'system',
    requestedAt: decision.decidedAt,
  });
  await recordLeadEvents(tx, ctx, [
    { ...fact, kind: 'decision.recorded', decision, reviewId, ...cause },
    { ...fact, actor: 'system', kind: 'review.requested.for_decision', decision, reviewId },
  ]);
  return { reviewId };
}
