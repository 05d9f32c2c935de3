import { createHash, randomBytes } from 'node:crypto';
import { toIso } from '../domain/shared/zoned-time.ts';
import type { WebhookSubscriptionRecord } from '../store/store-port.ts';
import type { Principal } from './api-keys.ts';
import { appendAudit } from './audit-trail.ts';
import type { ServiceContext } from './service-context.ts';

/**
 * SPEC O6 / C9: subscribing a URL decides where lead events flow out of Remit, so it is audited in
 * the same transaction (who, when, URL, events; the secret only as a SHA-256 fingerprint).
 */
export async function subscribeWebhook(
  ctx: Pick<ServiceContext, 'store' | 'clock' | 'ids'>,
  principal: Pick<Principal, 'keyId'>,
  input: { readonly url: string; readonly events: readonly string[]; readonly secret?: string | undefined },
): Promise<{ record: WebhookSubscriptionRecord; secret: string }> {
  const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  const record: WebhookSubscriptionRecord = { id: ctx.ids.next('whk'), url: input.url, secret, events: [...input.events], active: true, createdAt: toIso(ctx.clock.now()) };
  await ctx.store.transaction(async (tx) => {
    await tx.outbox.upsertSubscription(record);
    await appendAudit(tx, {
      kind: 'access',
      subject: `webhook:${record.id}`,
      actor: principal.keyId,
      at: record.createdAt,
      payload: { action: 'webhook.subscribed', id: record.id, url: record.url, events: record.events, secretSha256: createHash('sha256').update(secret).digest('hex') },
    });
  });
  return { record, secret };
}
