import { retentionOf } from '../../domain/org/retention.schema.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import { applyRetention, type RetentionReport } from './retention.use-case.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';

export interface RetentionWorkerOptions {
  /** Leads erased per category per pass (a pass that had more runs again at once). */
  readonly limit?: number;
  /** Called after each pass that erased or deleted something (logs). */
  readonly onPass?: (report: RetentionReport) => void;
  /** Also told each failure (a pass that threw, or a lead whose erasure failed); each is logged and counted anyway. */
  readonly onFailure?: (failure: RetentionFailure) => void;
}

export type RetentionFailure =
  | { readonly kind: 'pass'; readonly error: unknown }
  | { readonly kind: 'lead'; readonly category: string; readonly leadId: string; readonly code: string; readonly message: string };

/**
 * Background retention of `remit serve` (docs/audit.md; docs/operations.md): applies the retention periods
 * of the org version in force, every `intervalMs`. Several instances may run it: an erasure locks the
 * lead, and one already erased by another instance is skipped. Failures are counted (`failures` and
 * remit_worker_failures_total), logged and reported to `onFailure`; a failed pass is retried at the next interval.
 */
export class RetentionWorker {
  readonly #ctx: ServiceContext;
  readonly #options: RetentionWorkerOptions;
  #task: PeriodicTask | null = null;
  #failures = 0;
  #passes = 0;

  constructor(ctx: ServiceContext, options: RetentionWorkerOptions = {}) {
    this.#ctx = ctx;
    this.#options = options;
  }

  /** Failed passes plus leads whose erasure failed, since start. */
  get failures(): number {
    return this.#failures;
  }

  /** Completed passes since start. */
  get passes(): number {
    return this.#passes;
  }

  /** One pass; true when a category had more past its period than one pass takes. */
  async tick(): Promise<boolean> {
    const retention = retentionOf(this.#ctx.orgs.current.config);
    const deps = { store: this.#ctx.store, clock: this.#ctx.clock, retention };
    const report = await applyRetention(deps, { dryRun: false, ...(this.#options.limit ? { limit: this.#options.limit } : {}) });
    this.#passes++;
    for (const a of report.actions) {
      for (const f of a.failed ?? []) this.#fail({ kind: 'lead', category: a.category, ...f });
    }
    if (report.actions.some((a) => a.count > 0 || (a.failed?.length ?? 0) > 0)) this.#options.onPass?.(report);
    // A batch that failed entirely would repeat at once; wait for the next interval instead.
    return report.actions.some((a) => a.more === true && a.count > 0);
  }

  #fail(failure: RetentionFailure): void {
    this.#failures++;
    if (failure.kind === 'pass') reportWorkerFailure(this.#ctx, 'retention', failure.error);
    else {
      const { category, leadId, code, message } = failure;
      reportWorkerFailure(this.#ctx, 'retention', undefined, { category, leadId, code, reason: message });
    }
    this.#options.onFailure?.(failure);
  }

  start(intervalMs = 3_600_000, firstDelayMs = intervalMs): void {
    this.#task ??= new PeriodicTask(() => this.tick(), { intervalMs, onError: (error) => this.#fail({ kind: 'pass', error }) });
    this.#task.start(firstDelayMs);
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.#task?.stop();
  }
}
