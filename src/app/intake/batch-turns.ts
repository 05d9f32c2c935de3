/**
 * Turns for batch slices (issue 18, "Fairness under load"). A batch is taken in as slices of a few leads; each slice
 * waits for a turn. At most `atOnce()` turns run at a time, waiting clients are served round-robin (a client with four
 * batches gets one turn, then every other waiting client gets one), and every turn starts from `setImmediate`, so
 * the event loop reads sockets and runs other requests' work between two slices. With node:sqlite every statement is
 * synchronous: without these turns one batch held the event loop for its whole length and single leads of other
 * clients waited seconds (security report W3). Each lead keeps its own transaction: acknowledged leads stay committed.
 */
export class BatchTurns {
  readonly #atOnce: () => number;
  /** Waiting turns per client, FIFO; the Map's order is the round-robin order (a served client goes to the back). */
  readonly #waiting = new Map<string, (() => void)[]>();
  #running = 0;

  constructor(atOnce: () => number) {
    this.#atOnce = atOnce;
  }

  /** Runs `work` in a turn of `client`, after the turns queued before it for that client. */
  async run<T>(client: string, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      const queue = this.#waiting.get(client);
      if (queue) queue.push(start);
      else this.#waiting.set(client, [start]);
      this.#next();
    });
    try {
      return await work();
    } finally {
      this.#running--;
      this.#next();
    }
  }

  /** Turns running now plus those waiting (tests and diagnostics). */
  get pending(): number {
    let waiting = 0;
    for (const q of this.#waiting.values()) waiting += q.length;
    return this.#running + waiting;
  }

  #next(): void {
    while (this.#running < Math.max(1, this.#atOnce())) {
      const first = this.#waiting.entries().next();
      if (first.done) return;
      const [client, queue] = first.value;
      const start = queue.shift()!;
      this.#waiting.delete(client);
      if (queue.length > 0) this.#waiting.set(client, queue);
      this.#running++;
      // A macrotask, not a microtask: sockets are read and other requests run before this slice starts.
      setImmediate(start);
    }
  }
}
