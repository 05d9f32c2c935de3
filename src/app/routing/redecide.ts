import type { Decision } from '../../domain/decision/decision.ts';
import type { Lead } from '../../domain/lead/lead.schema.ts';
import { holdsRepCapacity } from '../../domain/lead/lead-status.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { decideAndRecord } from './decision-recorder.ts';
import { recordDecisionOutcome } from '../events/record-lead-events.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * Decides an existing lead again, in the caller's transaction (its row locked), and records what
 * follows: the decision (with its audit entry and SLA timers, and the lead document as decided on,
 * via decideAndRecord), then recordDecisionOutcome (history, a review when one is needed, the
 * outbound event). Used when what the decision depends on changed: screening cleared or confirmed,
 * a re-screen hit, a queued lead whose team has someone free again.
 */
export async function redecide(tx: UnitOfWork, ctx: ServiceContext, record: LeadRecord, lead: Lead, actor: string): Promise<Decision> {
  if (holdsRepCapacity(record.status) && record.repId) {
    // The assignment stands no more: free the rep's capacity before the new decision.
    await tx.routingState.lockScope({ pools: [], repIds: [record.repId] });
    await tx.routingState.releaseOpen(record.repId);
  }
  const decision = await decideAndRecord(tx, { org: ctx.orgs.current, clock: ctx.clock, ids: ctx.ids }, lead, ctx.clock.now(), {
    storeLead: true,
  });
  await recordDecisionOutcome(tx, ctx, decision, { actor });
  return decision;
}
