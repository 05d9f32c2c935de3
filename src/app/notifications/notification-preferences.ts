import type { Principal } from '../../domain/access/principal.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import type { NotificationPreferences } from './notification-preferences-schema.ts';

/** Stores the caller's own preferences, audited in the same transaction. */
export async function setNotificationPreferences(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  principal: Pick<Principal, 'userId'>,
  preferences: NotificationPreferences,
): Promise<NotificationPreferences> {
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
  return preferences;
}
