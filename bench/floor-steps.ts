/**
 * Per-step CPU attribution for the ingest floor (bench/ingest-floor.ts): each `mark(step)` charges the main thread's
 * CPU (user + system, `process.threadCpuUsage`, µs) used since the previous mark to that step. Off by default (a mark
 * is then one branch), because the clock read itself costs ~1 µs per mark and the throughput runs should not pay it.
 */
export class StepClock {
  readonly #on: boolean;
  readonly #total = new Map<string, number>();
  #last = 0;
  #leads = 0;

  constructor(on: boolean) {
    this.#on = on;
  }

  /** Starts a lead's first step (its CPU so far is nobody's). */
  start(): void {
    if (!this.#on) return;
    this.#leads++;
    this.#last = cpuMicros();
  }

  /** Charges the CPU since the last mark to `step`. */
  mark(step: string): void {
    if (!this.#on) return;
    const now = cpuMicros();
    this.#total.set(step, (this.#total.get(step) ?? 0) + now - this.#last);
    this.#last = now;
  }

  /** Mean µs per lead of each step, in first-seen order, and the number of leads they are averaged over. */
  report(): { leads: number; microsPerLead: Record<string, number> } {
    const n = Math.max(1, this.#leads);
    return { leads: this.#leads, microsPerLead: Object.fromEntries([...this.#total].map(([k, v]) => [k, +(v / n).toFixed(1)])) };
  }

  reset(): void {
    this.#total.clear();
    this.#leads = 0;
  }
}

function cpuMicros(): number {
  const u = process.threadCpuUsage();
  return u.user + u.system;
}
