import type { Decision } from '../domain/decision/decision.ts';
import type { Lead } from '../domain/lead/lead.schema.ts';
import { canonicalJson } from '../domain/shared/canonical-json.ts';
import { holdsRepCapacity, type LeadRecord, type UnitOfWork } from '../store/store-port.ts';
import { openReviewForDecision } from './review.use-case.ts';
import { decideAndRecord } from './decision-recorder.ts';
import { emitEvent } from './outbox-writer.ts';
import type { ServiceContext } from './service-context.ts';

/**
 * Decides an existing lead again, in the caller's transaction (its row locked), and records what
 * follows: the decision (with its audit entry and SLA timers, via decideAndRecord), the stored lead as
 * decided on, history, a review for refusals and holds, and the outbound event. Used when what the
 * decision depends on changed: screening cleared or confirmed, a re-screen hit, a queued lead whose
 * team has someone free again.
 */
export async function redecide(tx: UnitOfWork, ctx: ServiceContext, record: LeadRecord, lead: Lead, actor: string, at: string): Promise<Decision> {
  if (holdsRepCapacity(record.status) && record.repId) {
    // The assignment stands no more: free the rep's capacity before the new decision.
    await tx.routingState.lockScope({ pools: [], repIds: [record.repId] });
    await tx.routingState.releaseOpen(record.repId);
  }
  const decision = await decideAndRecord(tx, { org: ctx.orgs.current, clock: ctx.clock, ids: ctx.ids }, lead, ctx.clock.now());
  await tx.leads.update(lead.id, { status: decision.outcome, teamId: decision.team?.id ?? null, repId: decision.rep?.id ?? null, orgHash: ctx.orgs.current.hash, updatedAt: decision.decidedAt, leadJson: canonicalJson(lead) });
  await tx.events.append({ leadId: lead.id, kind: 'decision', actor, at, payloadJson: JSON.stringify({ decisionId: decision.decisionId, outcome: decision.outcome, teamId: decision.team?.id ?? null, repId: decision.rep?.id ?? null, reasons: decision.reasons }) });
  if (decision.outcome === 'REFUSED' || decision.outcome === 'HELD') await openReviewForDecision(tx, ctx, decision);
  await emitEvent(tx, ctx, `lead.${decision.outcome.toLowerCase()}`, { leadId: lead.id, decisionId: decision.decisionId, outcome: decision.outcome, teamId: decision.team?.id ?? null, repId: decision.rep?.id ?? null, reasons: decision.reasons }, decision.decidedAt);
  return decision;
}
