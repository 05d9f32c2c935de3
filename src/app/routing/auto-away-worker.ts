import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { applyAutoAway } from './auto-away.use-case.ts';

/**
 * Background worker of `remit serve`: auto-away (docs/operations.md "Auto-away"), once a minute. Every instance
 * runs one; the re-check under the rep's routing lock makes each automatic away happen once.
 */
export class AutoAwayWorker {
  readonly #ctx: ServiceContext;
  #task: PeriodicTask | null = null;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  start(intervalMs = 60_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.#ctx, 'auto-away', e);
    this.#task ??= new PeriodicTask(
      async () => {
        const marked = await applyAutoAway(this.#ctx);
        for (const m of marked) this.#ctx.log.info({ autoAway: m }, 'rep marked away (idle)');
        return false;
      },
      { intervalMs, onError },
    );
    this.#task.start();
  }

  async stop(): Promise<void> {
    await this.#task?.stop();
  }
}
