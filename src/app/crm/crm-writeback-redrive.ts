import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { CrmWritebackRecord } from '../../store/ports/crm-writebacks.port.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * Tries a dead-lettered CRM write-back again (POST /v1/crm/writebacks/:id/redrive), e.g. after the CRM field or the
 * credentials were fixed: back to PENDING, due now, attempts kept. Audited in the same transaction, naming who asked.
 * A row superseded by a newer write-back of the same record is not redriven (it would write a stale owner).
 */
export async function redriveCrmWriteback(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  principal: Pick<Principal, 'userId'>,
  id: string,
): Promise<Result<CrmWritebackRecord, AppFailure>> {
  const at = toIso(ctx.clock.now());
  return ctx.store.transaction(async (tx) => {
    const row = await tx.crmWritebacks.get(id);
    if (!row) return failure('NOT_FOUND', `no CRM write-back ${id}`);
    if (!(await tx.crmWritebacks.redrive(id, at))) return failure('CONFLICT', `CRM write-back ${id} is ${row.status}, not DEAD`);
    const { leadId, targetId, recordId, attempts, lastError } = row;
    await appendAudit(tx, {
      kind: 'access',
      subject: `crm-writeback:${id}`,
      actor: principal.userId,
      at,
      payload: { action: 'crm.writeback.redriven', id, leadId, targetId, recordId, attempts, lastError },
    });
    return ok({ ...row, status: 'PENDING', nextAttemptAt: at });
  });
}
