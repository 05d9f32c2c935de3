/**
 * Turns for batch slices (issue 18, "Fairness under load"). A batch is taken in as slices of a few leads; each slice
 * waits for a turn. At most `atOnce()` turns run at a time, waiting clients are served round-robin (a client with four
 * batches gets one turn, then every other waiting client gets one), and every turn starts from `setImmediate`, so
 * the event loop reads sockets and runs other requests' work between two slices. With node:sqlite every statement is
 * synchronous: without these turns one batch held the event loop for its whole length and single leads of other
 * clients waited seconds (security report W3). Each lead keeps its own transaction: acknowledged leads stay committed.
 */
/** A client's waiting turns and when it was last given one (0: never). */
interface ClientTurns {
  readonly waiting: (() => void)[];
  lastServed: number;
}

/** Clients remembered; above this, those with nothing waiting are forgotten (they count as never served again). */
const MAX_CLIENTS = 1_000;

export class BatchTurns {
  readonly #atOnce: () => number;
  readonly #clients = new Map<string, ClientTurns>();
  #running = 0;
  #served = 0;

  constructor(atOnce: () => number) {
    this.#atOnce = atOnce;
  }

  /** Runs `work` in a turn of `client`, after the turns queued before it for that client. */
  async run<T>(client: string, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      let entry = this.#clients.get(client);
      if (!entry) {
        if (this.#clients.size >= MAX_CLIENTS) this.#forgetIdle();
        entry = { waiting: [], lastServed: 0 };
        this.#clients.set(client, entry);
      }
      entry.waiting.push(start);
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
    for (const c of this.#clients.values()) waiting += c.waiting.length;
    return this.#running + waiting;
  }

  /**
   * Gives free turns to the waiting clients served longest ago. A batch asks for its next slice's turn only after the
   * last one ended, so a client is remembered between its turns: otherwise it would come back as never served and
   * jump ahead of clients that were waiting.
   */
  #next(): void {
    while (this.#running < Math.max(1, this.#atOnce())) {
      let chosen: ClientTurns | undefined;
      for (const c of this.#clients.values()) if (c.waiting.length > 0 && (!chosen || c.lastServed < chosen.lastServed)) chosen = c;
      if (!chosen) return;
      chosen.lastServed = ++this.#served;
      this.#running++;
      // A macrotask, not a microtask: sockets are read and other requests run before this slice starts.
      setImmediate(chosen.waiting.shift()!);
    }
  }

  #forgetIdle(): void {
    for (const [id, c] of this.#clients) if (c.waiting.length === 0) this.#clients.delete(id);
  }
}
