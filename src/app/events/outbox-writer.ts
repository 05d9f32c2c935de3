import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * Enqueues an outbound webhook event (and its notifications) in the caller's transaction (transactional outbox, docs/operations.md):
 * it commits with the change it announces, and the dispatcher delivers it afterwards.
 */
export async function emitEvent(
  tx: UnitOfWork,
  ctx: Pick<ServiceContext, 'ids' | 'notify'>,
  eventType: string,
  data: unknown,
  createdAt: string,
): Promise<string> {
  const eventId = ctx.ids.next('evt');
  const payloadJson = JSON.stringify({ id: eventId, type: eventType, createdAt, data });
  await tx.outbox.enqueue({ eventId, eventType, payloadJson, createdAt }, () => ctx.ids.next('dlv'));
  // Notifications ride the same transaction: none for a rolled-back change, none lost once it commits.
  if (ctx.notify) await ctx.notify(tx, { eventId, eventType, data, createdAt });
  return eventId;
}
