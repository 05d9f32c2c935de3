/**
 * A background pass run now and then (webhook delivery, SLA timers, audit sealing). The next pass is
 * scheduled when the previous one ends, so passes never overlap; a pass may ask to run again at once
 * (it had more work than one batch). stop() waits for the pass in progress. Errors are reported to
 * `onError` (required: a worker's failure must reach a log line and a counter, see
 * observability/worker-failure.ts), never thrown into the timer: a failed pass is retried at the next interval.
 */
export class PeriodicTask {
  readonly #pass: () => Promise<boolean>;
  readonly #intervalMs: number;
  readonly #onError: (e: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;

  /** `pass` returns true to be run again immediately. */
  constructor(pass: () => Promise<boolean>, opts: { readonly intervalMs: number; readonly onError: (e: unknown) => void }) {
    this.#pass = pass;
    this.#intervalMs = opts.intervalMs;
    this.#onError = opts.onError;
  }

  start(firstDelayMs = this.#intervalMs): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(firstDelayMs);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.#pass()
        .catch((e: unknown) => {
          this.#onError(e);
          return false;
        })
        .then((again) => {
          this.#running = null;
          this.#schedule(again ? 0 : this.#intervalMs);
        });
    }, ms);
    this.#timer.unref?.();
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
