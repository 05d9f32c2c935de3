import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import type { NotificationPreferences } from './notification-preferences-schema.ts';

/**
 * Stores the caller's own preferences, audited in the same transaction. Quiet hours without a time zone take the
 * linked rep's zone from the org config; a person linked to no rep must give one (nothing is stored otherwise).
 */
export async function setNotificationPreferences(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  principal: Pick<Principal, 'userId' | 'repId'>,
  preferences: NotificationPreferences,
): Promise<Result<NotificationPreferences, AppFailure>> {
  if (preferences.quietHours && preferences.quietHours.timeZone === undefined && principal.repId === null)
    return failure('ARGUMENT_INVALID', 'quiet hours need a time zone', [
      { path: 'quietHours.timeZone', message: 'required: you are not linked to a rep whose time zone could be used' },
    ]);
  const at = toIso(ctx.clock.now());
  await ctx.store.transaction(async (tx) => {
    await tx.notifications.setPreferences(principal.userId, JSON.stringify(preferences), at);
    await appendAudit(tx, {
      kind: 'access',
      subject: `user:${principal.userId}`,
      actor: principal.userId,
      at,
      payload: { action: 'notification.preferences', preferences },
    });
  });
  return ok(preferences);
}
