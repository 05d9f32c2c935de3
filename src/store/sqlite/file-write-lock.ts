/** A FIFO async lock. */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

/**
 * One write lock per database file per process. node:sqlite is synchronous: a second connection of
 * the same process waiting in SQLite's busy handler would block the event loop, so the connection
 * holding the lock could never finish and both would time out. Handles of one process therefore
 * queue here, asynchronously, and only other processes wait in the busy handler.
 */
const fileLocks = new Map<string, AsyncMutex>();

/** The write lock of the file (fileKey: its resolved path, as given to NodeSqliteDialect). */
export function fileWriteLock(fileKey: string): AsyncMutex {
  const lock = fileLocks.get(fileKey) ?? new AsyncMutex();
  fileLocks.set(fileKey, lock);
  return lock;
}

/**
 * Holds this process's write queue for a file (fileKey as given to NodeSqliteDialect) while `fn` runs:
 * transactions of every handle of the process wait for it asynchronously, the event loop stays free.
 * A commit group (group-commit-driver.ts) holds it from its BEGIN to its COMMIT, so `fn` never runs
 * inside an open group. The background checkpointer restarts the WAL this way (background-checkpointer.ts).
 */
export async function whileWritesHeld<T>(fileKey: string, fn: () => Promise<T>): Promise<T> {
  const release = await fileWriteLock(fileKey).lock();
  try {
    return await fn();
  } finally {
    release();
  }
}
