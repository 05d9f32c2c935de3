import { toIso } from '../../domain/shared/zoned-time.ts';
import type { SlaTimerRecord } from '../../store/ports/conduct.port.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { SlaDeadlineKind } from '../../domain/sla/sla-warning.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import type { ServiceContext } from '../shared/service-context.ts';

export interface SlaWarned {
  readonly outcome: 'warned';
  readonly timerId: string;
  readonly leadId: string;
  readonly repId: string;
  readonly deadline: SlaDeadlineKind;
}

/**
 * A due warning timer whose lead is still unworked by its rep (the caller checked, in its transaction, with the
 * lead locked and the timer claimed): the timer closes as FIRED and `sla.warned` is recorded — history, audit and
 * outbox `lead.sla_warning` (rep and team lead are told) — in that same transaction, so it fires exactly once.
 */
export async function fireSlaWarning(
  tx: UnitOfWork,
  ctx: ServiceContext,
  w: { readonly record: LeadRecord; readonly timer: SlaTimerRecord; readonly deadline: SlaDeadlineKind; readonly now: number },
  worker: string,
): Promise<SlaWarned> {
  const { record, timer, deadline, now } = w;
  const at = toIso(now);
  const target = (await tx.slaTimers.listForLead(record.id)).find(
    (t) => t.status === 'PENDING' && t.kind === deadline && t.repId === timer.repId,
  );
  // Without the pending deadline (it cannot be, the lead being unworked) the warning says when it was planned for.
  const dueAt = target?.dueAt ?? at;
  const minutesLeft = Math.max(0, Math.round((Date.parse(dueAt) - now) / 60_000));
  await tx.slaTimers.close(timer.id, { status: 'FIRED', at, by: worker, outcomeJson: JSON.stringify({ warned: deadline, dueAt }) });
  const warning = { timerId: timer.id, deadline, repId: timer.repId, teamId: timer.teamId, dueAt, minutesLeft, worker };
  await recordLeadEvents(tx, ctx, [{ kind: 'sla.warned', leadId: record.id, actor: 'system', at, warning }]);
  return { outcome: 'warned', timerId: timer.id, leadId: record.id, repId: timer.repId, deadline };
}
