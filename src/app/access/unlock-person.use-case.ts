import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** An admin lifts a lockout at once (POST /v1/users/:id/unlock; docs/access.md): the failure count restarts; audited with what it was. */
export async function unlockPerson(
  deps: Pick<ServiceContext, 'store' | 'clock'>,
  actor: Pick<Principal, 'userId'>,
  userId: string,
): Promise<Result<{ userId: string; failedSignIns: number; lockedUntil: string | null }, AppFailure>> {
  const at = toIso(deps.clock.now());
  return deps.store.transaction(async (tx) => {
    const before = await tx.users.credentials(userId);
    if (!before) return failure('NOT_FOUND', `no person ${userId}`);
    await tx.users.clearFailedSignIns(userId);
    await appendAudit(tx, {
      kind: 'access',
      subject: `user:${userId}`,
      actor: actor.userId,
      at,
      payload: {
        action: 'user.unlocked',
        userId,
        before: { failedSignIns: before.failedSignIns, lockedUntil: before.lockedUntil },
        after: { failedSignIns: 0, lockedUntil: null },
      },
    });
    return ok({ userId, failedSignIns: 0, lockedUntil: null });
  });
}
