import { hostname } from 'node:os';
import { toIso } from '../domain/shared/zoned-time.ts';
import type { ServiceContext } from './service-context.ts';
import { fireSlaTimer, type SlaFireOutcome } from './sla-miss.use-case.ts';

export interface SlaWorkerOptions {
  /** Due timers looked at per tick. */
  readonly batchSize?: number;
  /** Recorded on each timer it fires (closedBy). Default host:pid. */
  readonly name?: string;
  /** Called for every timer this worker handled (tests, logs). */
  readonly onFired?: (outcome: SlaFireOutcome) => void;
}

/**
 * Background worker of `remit serve` (R12): each tick lists due SLA timers and fires each in its own
 * transaction (fireSlaTimer). Timers live in the database, so they survive restarts; with several
 * instances every one of them runs a worker, and the claim (lead lock, then FOR UPDATE SKIP LOCKED on
 * the PENDING timer) makes each timer fire exactly once.
 */
export class SlaWorker {
  private readonly ctx: ServiceContext;
  private readonly batchSize: number;
  readonly name: string;
  private readonly onFired: ((outcome: SlaFireOutcome) => void) | undefined;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(ctx: ServiceContext, options: SlaWorkerOptions = {}) {
    this.ctx = ctx;
    this.batchSize = options.batchSize ?? 50;
    this.name = options.name ?? `sla-worker ${hostname()}:${process.pid}`;
    this.onFired = options.onFired;
  }

  /** One pass over the due timers; returns what was handled (timers another instance took are skipped). */
  async tick(): Promise<SlaFireOutcome[]> {
    const due = await this.ctx.store.slaTimers.due(toIso(this.ctx.clock.now()), this.batchSize);
    const out: SlaFireOutcome[] = [];
    for (const candidate of due) {
      const outcome = await fireSlaTimer(this.ctx, candidate, this.name);
      if (outcome) {
        out.push(outcome);
        this.onFired?.(outcome);
      }
    }
    return out;
  }

  start(intervalMs = 1_000): void {
    const loop = () => {
      this.running = this.tick()
        .catch(() => [])
        .finally(() => {
          this.running = null;
          if (this.timer !== null) this.timer = setTimeout(loop, intervalMs);
        });
    };
    this.timer = setTimeout(loop, intervalMs);
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
