import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { NotificationRecord } from '../../store/ports/notifications.port.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * Sends a dead-lettered notification again (POST /v1/notifications/:id/redrive): back to PENDING, due now, attempts
 * kept. Audited in the same transaction (who asked, which row, to whom), the recipient being the only personal datum.
 */
export async function redriveNotification(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  principal: Pick<Principal, 'userId'>,
  id: string,
): Promise<Result<NotificationRecord, AppFailure>> {
  const at = toIso(ctx.clock.now());
  return ctx.store.transaction(async (tx) => {
    const current = await tx.notifications.get(id);
    if (!current) return failure('NOT_FOUND', `no notification ${id}`);
    if (!(await tx.notifications.redrive(id, at))) return failure('CONFLICT', `notification ${id} is ${current.status}, not DEAD`);
    await appendAudit(tx, {
      kind: 'access',
      subject: `notification:${id}`,
      actor: principal.userId,
      at,
      payload: { action: 'notification.redriven', id, eventId: current.eventId, channel: current.channel, attempts: current.attempts },
    });
    return ok({ ...current, status: 'PENDING', nextAttemptAt: at });
  });
}
