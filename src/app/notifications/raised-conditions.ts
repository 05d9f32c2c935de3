import { toIso } from '../../domain/shared/zoned-time.ts';
import { emitEvent } from '../events/outbox-writer.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** A condition that holds now (an overloaded rep, a stale list …), with the event that announces it. */
export interface HeldCondition {
  /** Unique within its family while it holds: a new key is a new condition (announced), the same key is not. */
  readonly key: string;
  readonly data: unknown;
}

/**
 * Edge-triggered announcement (docs/notifications.md "Scheduled and edge-triggered events"): in one transaction, each
 * condition of `eventType` that holds and was not raised yet is raised and announced (emitEvent: webhooks and
 * notifications); conditions no longer holding are cleared, so they are announced again if they return. The raise is
 * an insert-if-absent, so of two instances watching the same condition exactly one announces it. Returns the keys
 * announced.
 */
export async function announceEdges(
  ctx: Pick<ServiceContext, 'store' | 'clock' | 'ids' | 'notify'>,
  eventType: string,
  held: readonly HeldCondition[],
): Promise<readonly string[]> {
  const at = toIso(ctx.clock.now());
  const family = `${eventType}:`;
  return ctx.store.transaction(async (tx) => {
    const announced: string[] = [];
    for (const c of held) {
      if (!(await tx.notificationRuns.raise(family + c.key, at))) continue;
      await emitEvent(tx, ctx, eventType, c.data, at);
      announced.push(c.key);
    }
    await tx.notificationRuns.clearExcept(
      family,
      held.map((c) => family + c.key),
    );
    return announced;
  });
}
