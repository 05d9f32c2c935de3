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

export interface SlaWarningStale {
  readonly outcome: 'stale';
  readonly timerId: string;
  readonly leadId: string;
  readonly reason: string;
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
): Promise<SlaWarned | SlaWarningStale> {
  const { record, timer, deadline, now } = w;
  const at = toIso(now);
  const target = (await tx.slaTimers.listForLead(record.id)).find(
    (t) => t.status === 'PENDING' && t.kind === deadline && t.repId === timer.repId,
  );
  // Too late to warn (the worker was down until the deadline, or the deadline is gone): the miss speaks for itself.
  if (!target || Date.parse(target.dueAt) <= now) {
    const stale = target ? 'deadline passed' : 'no pending deadline';
    await tx.slaTimers.close(timer.id, { status: 'CANCELLED', at, by: worker, outcomeJson: JSON.stringify({ stale }) });
    return { outcome: 'stale', timerId: timer.id, leadId: record.id, reason: stale };
  }
  const dueAt = target.dueAt;
  const minutesLeft = Math.max(0, Math.round((Date.parse(dueAt) - now) / 60_000));
  await tx.slaTimers.close(timer.id, { status: 'FIRED', at, by: worker, outcomeJson: JSON.stringify({ warned: deadline, dueAt }) });
  const warning = { timerId: timer.id, deadline, repId: timer.repId, teamId: timer.teamId, dueAt, minutesLeft, worker };
  await recordLeadEvents(tx, ctx, [{ kind: 'sla.warned', leadId: record.id, actor: 'system', at, warning }]);
  return { outcome: 'warned', timerId: timer.id, leadId: record.id, repId: timer.repId, deadline };
}
