import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { rebuildConversionModel } from './conversion-model-store.ts';

/**
 * Background worker of `remit serve` (docs/outcome-routing.md "Snapshots and replay"): rebuilds the conversion model
 * when outcomes were recorded since the current one was built, while the current org routes on outcomes. Batched
 * rather than per outcome: a decision reads one immutable snapshot, and learning lags by at most one interval.
 */
export class ConversionModelWorker {
  readonly #ctx: ServiceContext;
  #task: PeriodicTask | null = null;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /** One pass: rebuilds if the current org reads the model and outcomes changed. Exposed for tests. */
  async tick(): Promise<void> {
    if (!this.#ctx.orgs.current.readsOutcomeModel) return;
    const build = await rebuildConversionModel(this.#ctx);
    if (build.rebuilt) this.#ctx.log.info({ conversionModel: build }, 'conversion model rebuilt');
  }

  start(intervalMs = 60_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.#ctx, 'conversion-model', e);
    this.#task ??= new PeriodicTask(async () => (await this.tick(), false), { intervalMs, onError });
    this.#task.start(0);
  }

  async stop(): Promise<void> {
    await this.#task?.stop();
  }
}
