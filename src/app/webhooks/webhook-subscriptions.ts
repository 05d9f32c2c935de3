import { createHash, randomBytes } from 'node:crypto';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { WebhookSubscriptionRecord } from '../../store/ports/outbox.port.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { pointer } from '../../domain/errors/detail-path.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { WebhookTargetPolicy } from './webhook-target-policy.ts';

/**
 * docs/operations.md: subscribing a URL decides where lead events flow out of Remit, so it is audited in
 * the same transaction (who, when, URL, events; the secret only as a SHA-256 fingerprint).
 */
export async function subscribeWebhook(
  ctx: Pick<ServiceContext, 'store' | 'clock' | 'ids' | 'webhookTargets'>,
  principal: Pick<Principal, 'userId'>,
  input: { readonly url: string; readonly events: readonly string[]; readonly secret?: string | undefined },
): Promise<Result<{ record: WebhookSubscriptionRecord; secret: string }, AppFailure>> {
  const refusal = await (ctx.webhookTargets ?? new WebhookTargetPolicy()).refusal(input.url);
  if (refusal) {
    return failure('ARGUMENT_INVALID', 'webhook targets must be public addresses unless allowed with --webhook-allow', [
      { path: pointer(['body', 'url']), message: refusal },
    ]);
  }
  const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  const record: WebhookSubscriptionRecord = {
    id: ctx.ids.next('whk'),
    url: input.url,
    secret,
    events: [...input.events],
    active: true,
    createdAt: toIso(ctx.clock.now()),
  };
  await ctx.store.transaction(async (tx) => {
    await tx.outbox.upsertSubscription(record);
    await appendAudit(tx, {
      kind: 'access',
      subject: `webhook:${record.id}`,
      actor: principal.userId,
      at: record.createdAt,
      payload: {
        action: 'webhook.subscribed',
        id: record.id,
        url: record.url,
        events: record.events,
        secretSha256: createHash('sha256').update(secret).digest('hex'),
      },
    });
  });
  return ok({ record, secret });
}

/**
 * Removes a subscription (DELETE /v1/webhooks/:id): it is deactivated, so its deliveries stay on
 * record and pending ones are not sent. Audited like subscribing.
 */
export async function unsubscribeWebhook(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  principal: Pick<Principal, 'userId'>,
  id: string,
): Promise<Result<WebhookSubscriptionRecord, AppFailure>> {
  const at = toIso(ctx.clock.now());
  return ctx.store.transaction(async (tx) => {
    const current = (await tx.outbox.listSubscriptions()).find((s) => s.id === id && s.active);
    if (!current) return failure('NOT_FOUND', `no active webhook subscription ${id}`);
    const removed = { ...current, active: false };
    await tx.outbox.upsertSubscription(removed);
    await appendAudit(tx, {
      kind: 'access',
      subject: `webhook:${id}`,
      actor: principal.userId,
      at,
      payload: { action: 'webhook.removed', id, url: current.url, events: current.events },
    });
    return ok(removed);
  });
}
