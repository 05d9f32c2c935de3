import { hostname } from 'node:os';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { assignQueuedLeads } from '../routing/assign-queued.use-case.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import { fireSlaTimer, type SlaFireOutcome } from './sla-miss.use-case.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';

export interface SlaWorkerOptions {
  /** Due timers looked at per tick. */
  readonly batchSize?: number;
  /** Recorded on each timer it fires (closedBy). Default host:pid. */
  readonly name?: string;
  /** Called for every timer this worker handled (tests, logs). */
  readonly onFired?: (outcome: SlaFireOutcome) => void;
}

/**
 * Background worker of `remit serve` (R7, R12): each tick lists due SLA timers and fires each in its
 * own transaction (fireSlaTimer), then gives queued leads a chance at a rep who is free again. Timers live in the database, so they survive
 * restarts; with several
 * instances every one of them runs a worker, and the claim (lead lock, then FOR UPDATE SKIP LOCKED on
 * the PENDING timer) makes each timer fire exactly once.
 */
export class SlaWorker {
  private readonly ctx: ServiceContext;
  private readonly batchSize: number;
  readonly name: string;
  private readonly onFired: ((outcome: SlaFireOutcome) => void) | undefined;
  private task: PeriodicTask | null = null;

  constructor(ctx: ServiceContext, options: SlaWorkerOptions = {}) {
    this.ctx = ctx;
    this.batchSize = options.batchSize ?? 50;
    this.name = options.name ?? `sla-worker ${hostname()}:${process.pid}`;
    this.onFired = options.onFired;
  }

  /**
   * One pass: due timers (timers another instance took are skipped), then queued leads that may now
   * be assigned. Returns the timers handled.
   */
  async tick(): Promise<SlaFireOutcome[]> {
    const due = await this.ctx.store.slaTimers.due(toIso(this.ctx.clock.now()), this.batchSize);
    const out: SlaFireOutcome[] = [];
    for (const candidate of due) {
      const outcome = await fireSlaTimer(this.ctx, candidate, this.name);
      if (outcome) {
        out.push(outcome);
        if (outcome.outcome === 'missed') {
          this.ctx.metrics.slaMisses.inc({ missed: outcome.missed });
          const { timerId, leadId, missed, fromRep } = outcome;
          this.ctx.log.info({ timerId, leadId, missed, fromRep }, 'SLA missed');
        }
        this.onFired?.(outcome);
      }
    }
    try {
      await assignQueuedLeads(this.ctx, { limit: this.batchSize, actor: this.name });
    } catch (e) {
      // Queue assignment is its own worker as far as operators are concerned: its failure is reported
      // under its own name, and the SLA timers fired above stay fired.
      reportWorkerFailure(this.ctx, 'queue-assignment', e);
    }
    return out;
  }

  start(intervalMs = 1_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.ctx, 'sla-timers', e);
    this.task ??= new PeriodicTask(async () => (await this.tick(), false), { intervalMs, onError });
    this.task.start();
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
  }
}
