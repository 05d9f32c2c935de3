import { hostname } from 'node:os';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import type { ScreeningCoverage } from '../../screening/screening-service.ts';
import { queueCoverageRelease } from './coverage-release.ts';
import { AdoptionMemo, adoptVersionsInForce, type AdoptionChange } from './list-version-adoption.ts';
import { runScheduledListChecks } from './scheduled-list-checks.ts';
import { ScheduledCheckLog, type ScheduledCheckStatus } from './scheduled-check-log.ts';

/** How often `remit serve` compares its lists with the versions in force by default (REMIT_LIST_SYNC_MS). */
export const DEFAULT_LIST_SYNC_MS = 2_000;

/**
 * Background worker of `remit serve` (docs/screening.md "Versions in force on every instance", "Scheduled reloads"):
 * each pass first brings this instance's lists in line with the versions in force in the store, then runs the scheduled
 * checks that are due and that this instance wins; when its coverage became `ok` (at start, after adopting a stale
 * source, after an approval), it queues the screening again of the leads held as not screened (coverage-release.ts).
 * A failed pass is logged and counted (`list-sync`) and the next pass
 * tries again; the sources keep the versions they had.
 */
export class ListSyncWorker {
  private readonly ctx: ServiceContext;
  readonly name: string;
  private readonly memo = new AdoptionMemo();
  private readonly checks: ScheduledCheckLog;
  private readonly intervalMs: number;
  private task: PeriodicTask | null = null;
  /** The coverage seen at the end of the last pass (undefined before the first: a start counts as regained). */
  private lastCoverage: ScreeningCoverage | undefined;

  /** `name`: recorded on the scheduled checks it claims (default host:pid); `intervalMs`: REMIT_LIST_SYNC_MS. */
  constructor(ctx: ServiceContext, options: { readonly name?: string; readonly intervalMs?: number } = {}) {
    this.ctx = ctx;
    this.name = options.name ?? `list-sync ${hostname()}:${process.pid}`;
    this.intervalMs = options.intervalMs ?? DEFAULT_LIST_SYNC_MS;
    this.checks = ctx.listChecks ?? new ScheduledCheckLog();
  }

  /** One pass: adoption, then the due scheduled checks, then the coverage release if coverage came back. */
  async runOnce(): Promise<{
    readonly adopted: readonly AdoptionChange[];
    readonly checks: readonly ScheduledCheckStatus[];
    readonly releaseJobId: string | null;
  }> {
    const adopted = await adoptVersionsInForce(this.ctx, this.memo);
    const checks = await runScheduledListChecks(this.ctx, this.name, this.checks);
    return { adopted, checks, releaseJobId: await this.releaseIfCoverageBack() };
  }

  /** Queues the release when coverage is `ok` now and was not at the last pass (a failure leaves it for the next pass). */
  private async releaseIfCoverageBack(): Promise<string | null> {
    const coverage = this.ctx.screening?.coverage();
    if (coverage === undefined) return null;
    const before = this.lastCoverage;
    const jobId = coverage === 'ok' && before !== 'ok' ? await queueCoverageRelease(this.ctx, before ?? 'start') : null;
    this.lastCoverage = coverage;
    return jobId;
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
