import type { Principal } from '../../domain/access/principal.ts';
import { pointer } from '../../domain/errors/detail-path.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { WebhookTargetPolicy } from '../webhooks/webhook-target-policy.ts';
import { maskedPreferences, maskWebhookUrl, preferencesOf, type NotificationPreferences } from './notification-preferences-schema.ts';

/**
 * Stores the caller's own preferences, audited in the same transaction (webhook URLs masked in the audit entry: they
 * are secrets). A personal Slack/Teams URL must pass the webhook target policy (SSRF guard) like a subscription: a
 * refused one is a field-level error and nothing is stored. Quiet hours without a time zone take the linked rep's zone
 * from the org config; a person linked to no rep must give one. Returns what GET would show.
 */
export async function setNotificationPreferences(
  ctx: Pick<ServiceContext, 'store' | 'clock' | 'webhookTargets'>,
  principal: Pick<Principal, 'userId' | 'repId'>,
  body: NotificationPreferences,
): Promise<Result<NotificationPreferences, AppFailure>> {
  if (body.quietHours && body.quietHours.timeZone === undefined && principal.repId === null)
    return failure('ARGUMENT_INVALID', 'quiet hours need a time zone', [
      { path: pointer(['body', 'quietHours', 'timeZone']), message: 'required: you are not linked to a rep whose time zone could be used' },
    ]);
  const preferences = await keepMaskedUrls(ctx, principal.userId, body);
  const targets = ctx.webhookTargets ?? new WebhookTargetPolicy();
  const details = [];
  for (const channel of ['slack', 'teams'] as const) {
    const url = preferences[channel]?.webhookUrl;
    const refusal = url === undefined ? null : await targets.refusal(url);
    if (refusal) details.push({ path: pointer(['body', channel, 'webhookUrl']), message: refusal });
  }
  if (details.length > 0)
    return failure('ARGUMENT_INVALID', 'webhook URLs must be public addresses unless allowed with --webhook-allow', details);
  const at = toIso(ctx.clock.now());
  const shown = maskedPreferences(preferences);
  await ctx.store.transaction(async (tx) => {
    await tx.notifications.setPreferences(principal.userId, JSON.stringify(preferences), at);
    await appendAudit(tx, {
      kind: 'access',
      subject: `user:${principal.userId}`,
      actor: principal.userId,
      at,
      payload: { action: 'notification.preferences', preferences: shown },
    });
  });
  return ok(shown);
}

/**
 * GET shows webhook URLs masked; a client that sends that body back (changing only a switch) means "keep my URL", not
 * "my URL is now the masked text": a URL equal to the mask of the stored one is replaced by the stored one.
 */
async function keepMaskedUrls(
  ctx: Pick<ServiceContext, 'store'>,
  userId: string,
  preferences: NotificationPreferences,
): Promise<NotificationPreferences> {
  const stored = preferencesOf(await ctx.store.notifications.preferencesOf(userId));
  const keep = (channel: 'slack' | 'teams') => {
    const given = preferences[channel];
    const current = stored?.[channel]?.webhookUrl;
    return given?.webhookUrl !== undefined && current !== undefined && given.webhookUrl === maskWebhookUrl(current)
      ? { [channel]: { ...given, webhookUrl: current } }
      : {};
  };
  return { ...preferences, ...keep('slack'), ...keep('teams') };
}

/** GET /v1/me/notifications: the caller's stored preferences (defaults when none), webhook URLs masked. */
export async function getNotificationPreferences(
  ctx: Pick<ServiceContext, 'store'>,
  principal: Pick<Principal, 'userId'>,
): Promise<NotificationPreferences> {
  return maskedPreferences(preferencesOf(await ctx.store.notifications.preferencesOf(principal.userId)) ?? { email: {} });
}
