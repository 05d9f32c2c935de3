import { hostname } from 'node:os';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { AdoptionMemo, adoptVersionsInForce, type AdoptionChange } from './list-version-adoption.ts';
import { runScheduledListChecks } from './scheduled-list-checks.ts';
import { ScheduledCheckLog, type ScheduledCheckStatus } from './scheduled-check-log.ts';

/** How often `remit serve` compares its lists with the versions in force by default (REMIT_LIST_SYNC_MS). */
export const DEFAULT_LIST_SYNC_MS = 2_000;

/**
 * Background worker of `remit serve` (docs/screening.md "Versions in force on every instance", "Scheduled reloads"):
 * each pass first brings this instance's lists in line with the versions in force in the store, then runs the scheduled
 * checks that are due and that this instance wins. A failed pass is logged and counted (`list-sync`) and the next pass
 * tries again; the sources keep the versions they had.
 */
export class ListSyncWorker {
  private readonly ctx: ServiceContext;
  readonly name: string;
  private readonly memo = new AdoptionMemo();
  private readonly checks: ScheduledCheckLog;
  private readonly intervalMs: number;
  private task: PeriodicTask | null = null;

  /** `name`: recorded on the scheduled checks it claims (default host:pid); `intervalMs`: REMIT_LIST_SYNC_MS. */
  constructor(ctx: ServiceContext, options: { readonly name?: string; readonly intervalMs?: number } = {}) {
    this.ctx = ctx;
    this.name = options.name ?? `list-sync ${hostname()}:${process.pid}`;
    this.intervalMs = options.intervalMs ?? DEFAULT_LIST_SYNC_MS;
    this.checks = ctx.listChecks ?? new ScheduledCheckLog();
  }

  /** One pass: adoption, then the due scheduled checks. */
  async runOnce(): Promise<{ readonly adopted: readonly AdoptionChange[]; readonly checks: readonly ScheduledCheckStatus[] }> {
    const adopted = await adoptVersionsInForce(this.ctx, this.memo);
    const checks = await runScheduledListChecks(this.ctx, this.name, this.checks);
    return { adopted, checks };
  }

  start(intervalMs = this.intervalMs): void {
    if (!this.ctx.screening || !this.ctx.listSources) return;
    const onError = (e: unknown) => reportWorkerFailure(this.ctx, 'list-sync', e);
    this.task ??= new PeriodicTask(
      async () => {
        await this.runOnce();
        return false;
      },
      { intervalMs, onError },
    );
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task?.stop();
  }
}
