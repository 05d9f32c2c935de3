import { announcementOf, expiringGrants } from '../../domain/notifications/expiring-grants.ts';
import { expiryHorizonDaysOf, notificationTimeZoneOf } from '../../domain/org/notifications-policy.schema.ts';
import { toIso, zonedParts } from '../../domain/shared/zoned-time.ts';
import { emitEvent } from '../events/outbox-writer.ts';
import type { OrgRegistry } from '../routing/org-registry.ts';
import type { ServiceContext } from '../shared/service-context.ts';

export const EXPIRY_JOB = 'licence.expiring';

export type ExpiryRun =
  | { readonly kind: 'announced'; readonly day: string; readonly events: number; readonly horizonDays: number }
  /** The day's run was taken already (an earlier pass, another instance, the CLI): nothing emitted. */
  | { readonly kind: 'already_run'; readonly day: string };

/**
 * The daily licence and appointment expiry run (docs/notifications.md "licence.expiring"): at most once per org-local
 * day across instances. The day's `notification_runs` row is taken in the same transaction as the events, so a
 * rolled-back run emits nothing and leaves the day free, and a second taker finds it taken and emits nothing.
 */
export async function announceExpiringGrants(
  ctx: Pick<ServiceContext, 'store' | 'clock' | 'ids' | 'notify'> & { readonly orgs: Pick<OrgRegistry, 'current'> },
  opts: { readonly by: string; readonly atMs?: number },
): Promise<ExpiryRun> {
  const now = opts.atMs ?? ctx.clock.now();
  const config = ctx.orgs.current.config;
  const day = zonedParts(notificationTimeZoneOf(config.notifications), now).date;
  if (await ctx.store.notificationRuns.getRun(EXPIRY_JOB, day)) return { kind: 'already_run', day };
  const horizonDays = expiryHorizonDaysOf(config.notifications);
  const grants = expiringGrants(config, now, horizonDays);
  const at = toIso(ctx.clock.now());
  return ctx.store.transaction(async (tx): Promise<ExpiryRun> => {
    const taken = await tx.notificationRuns.takeRun({ job: EXPIRY_JOB, day, takenAt: at, takenBy: opts.by, events: grants.length });
    if (!taken) return { kind: 'already_run', day };
    for (const g of grants) {
      const { kind, grantId, jurisdiction, validTo, daysLeft } = g;
      await emitEvent(tx, ctx, 'licence.expiring', { kind, grantId, ...announcementOf(g), jurisdiction, validTo, daysLeft, day }, at);
    }
    return { kind: 'announced', day, events: grants.length, horizonDays };
  });
}
