import type { RepExclusion } from '../../domain/decision/decide.ts';
import type { Decision } from '../../domain/decision/decision.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import type { Lead } from '../../domain/lead/lead.schema.ts';
import { holdsRepCapacity } from '../../domain/lead/lead-status.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { decideAndRecord } from './decision-recorder.ts';
import { recordDecisionOutcome } from '../events/record-lead-events.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** What a re-decision reads: the store's clock and ids, and the org version in force. */
export type RedecideContext = Pick<ServiceContext, 'clock' | 'ids'> & { readonly orgs: { readonly current: CompiledOrg } };

export interface RedecideOptions {
  /** A bulk reassignment: the reps it takes the lead away from (recorded in the decision) … */
  readonly exclusion?: RepExclusion;
  /** … and its id, so the outcome is announced once, as lead.reassigned. */
  readonly reassignmentId?: string;
}

/**
 * Decides an existing lead again, in the caller's transaction (its row locked), and records what
 * follows: the decision (with its audit entry and SLA timers, and the lead document as decided on,
 * via decideAndRecord), then recordDecisionOutcome (history, a review when one is needed, the
 * outbound event). Used when what the decision depends on changed: screening cleared or confirmed,
 * a re-screen hit, a queued lead whose team has someone free again, a rep whose open leads are moved away.
 */
export async function redecide(
  tx: UnitOfWork,
  ctx: RedecideContext,
  record: LeadRecord,
  lead: Lead,
  actor: string,
  options: RedecideOptions = {},
): Promise<Decision> {
  if (holdsRepCapacity(record.status) && record.repId) {
    // The assignment stands no more: free the rep's capacity before the new decision.
    await tx.routingState.lockScope({ pools: [], repIds: [record.repId] });
    await tx.routingState.releaseOpen(record.repId);
  }
  const decision = await decideAndRecord(tx, { org: ctx.orgs.current, clock: ctx.clock, ids: ctx.ids }, lead, ctx.clock.now(), {
    storeLead: true,
    ...(options.exclusion ? { exclusion: options.exclusion } : {}),
  });
  await recordDecisionOutcome(tx, ctx, decision, {
    actor,
    ...(options.reassignmentId ? { reassignmentId: options.reassignmentId } : {}),
  });
  return decision;
}
