import { hostname } from 'node:os';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { CONDITION_WATCHES, type ConditionWatch } from './condition-watches.ts';
import { announceExpiringGrants } from './expiring-grants.use-case.ts';
import { announceEdges } from './raised-conditions.ts';

/**
 * Background notification jobs of `remit serve` (docs/notifications.md "Scheduled and edge-triggered events"): every
 * pass tries the day's licence expiry run (taken once per org-local day across instances) and looks at each condition
 * watch that is due. Each job fails alone: its failure is logged and counted under its own worker name, and the
 * others still run.
 */
export class NotificationJobs {
  private readonly ctx: ServiceContext;
  private readonly watches: readonly ConditionWatch[];
  readonly name: string;
  private readonly lastLook = new Map<string, number>();
  private task: PeriodicTask | null = null;

  constructor(ctx: ServiceContext, opts: { readonly name?: string; readonly watches?: readonly ConditionWatch[] } = {}) {
    this.ctx = ctx;
    this.name = opts.name ?? `notification-jobs ${hostname()}:${process.pid}`;
    this.watches = opts.watches ?? CONDITION_WATCHES;
  }

  /** One pass; returns the events emitted, by event type. */
  async tick(): Promise<Readonly<Record<string, number>>> {
    const emitted: Record<string, number> = {};
    try {
      const run = await announceExpiringGrants(this.ctx, { by: this.name });
      if (run.kind === 'announced') {
        emitted['licence.expiring'] = run.events;
        this.ctx.log.info({ day: run.day, events: run.events, horizonDays: run.horizonDays }, 'licence expiry run');
      }
    } catch (e) {
      reportWorkerFailure(this.ctx, 'licence-expiry', e);
    }
    const now = this.ctx.clock.now();
    for (const watch of this.watches) {
      const last = this.lastLook.get(watch.eventType);
      if (last !== undefined && now - last < watch.everyMs) continue;
      this.lastLook.set(watch.eventType, now);
      try {
        const announced = await announceEdges(this.ctx, watch.eventType, await watch.held(this.ctx));
        if (announced.length > 0) this.ctx.log.warn({ eventType: watch.eventType, announced }, 'condition raised');
        emitted[watch.eventType] = announced.length;
      } catch (e) {
        reportWorkerFailure(this.ctx, watch.worker, e);
      }
    }
    return emitted;
  }

  start(intervalMs = 60_000, firstDelayMs = 5_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.ctx, 'licence-expiry', e);
    this.task ??= new PeriodicTask(async () => (await this.tick(), false), { intervalMs, onError });
    this.task.start(firstDelayMs);
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
  }
}
