import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Copies the WAL back into the database file (`PRAGMA wal_checkpoint(PASSIVE)`) every intervalMs,
 * in a worker thread with its own connection (issue 18). The service's connection runs with
 * `wal_autocheckpoint = 0`: otherwise the COMMIT that crosses ~1000 WAL pages runs the checkpoint
 * itself (copy + fsync of the database file), synchronously, stalling every request in flight.
 * PASSIVE never waits for a lock and never blocks the writer or readers. The writer restarts the
 * WAL from its beginning only when a transaction starts with the WAL fully copied; under sustained
 * load a commit nearly always lands while a checkpoint runs, so the WAL would grow without bound.
 * Past RESTART_FRAMES the worker asks the service's thread to hold its write queue (asynchronously:
 * transactions wait, the event loop does not), then a RESTART checkpoint copies the few frames
 * PASSIVE left and lets the WAL start again. (Without that pause the RESTART competes for the write
 * lock with back-to-back transactions in SQLite's busy handler, and loses for seconds.) Crash
 * safety is SQLite's own: a checkpoint interrupted at any point is redone from the WAL on the next open.
 * Plain Node (no imports from the project): it runs outside any bundler.
 */

export type CheckpointMessage =
  | {
      readonly kind: 'checkpointed';
      readonly mode: 'PASSIVE' | 'RESTART';
      readonly walFrames: number;
      readonly checkpointedFrames: number;
      readonly ms: number;
    }
  | { readonly kind: 'failed'; readonly detail: string }
  /** To the service's thread: hold your write queue and answer 'writes-held'; released at the next message. */
  | { readonly kind: 'hold-writes' };

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
/** ~16 MB of 4 KiB pages: above this a RESTART checkpoint lets the WAL start again from its beginning. */
const RESTART_FRAMES = 4000;
/** How long a checkpoint waits for a lock another process holds, ms. */
const LOCK_WAIT_MS = 1000;
/**
 * Opened once, while the store's file exists, and never reopened: opening a read-write connection
 * creates a missing file, and a store deleted under the service must stay missing (docs/storage.md,
 * W1). A failed round is reported and the next one tried on the same connection.
 */
const db = new DatabaseSync(path, { timeout: LOCK_WAIT_MS });
let timer: NodeJS.Timeout | undefined;

function checkpoint(mode: 'PASSIVE' | 'RESTART'): CheckpointMessage | null {
  const started = performance.now();
  try {
    const row = db.prepare(`PRAGMA wal_checkpoint(${mode})`).get() as { busy: number; log: number; checkpointed: number } | undefined;
    const walFrames = Number(row?.log ?? 0);
    // Nothing in the WAL: nothing to say (an idle service is quiet).
    if (walFrames <= 0) return null;
    return { kind: 'checkpointed', mode, walFrames, checkpointedFrames: Number(row?.checkpointed ?? 0), ms: performance.now() - started };
  } catch (e) {
    return { kind: 'failed', detail: (e as Error).message };
  }
}

let waitingForHold = false;

function loop(): void {
  const message = checkpoint('PASSIVE');
  if (message) parentPort?.postMessage(message);
  if (message?.kind === 'checkpointed' && message.walFrames >= RESTART_FRAMES) {
    // The next round starts once the service's thread holds its writes ('writes-held').
    waitingForHold = true;
    parentPort?.postMessage({ kind: 'hold-writes' } satisfies CheckpointMessage);
    return;
  }
  timer = setTimeout(loop, intervalMs);
}

parentPort?.on('message', (m: unknown) => {
  if (m === 'writes-held' && waitingForHold) {
    waitingForHold = false;
    // Always answered, even when nothing needed copying, so the service's thread lets its writes go.
    parentPort?.postMessage(checkpoint('RESTART') ?? { kind: 'checkpointed', mode: 'RESTART', walFrames: 0, checkpointedFrames: 0, ms: 0 });
    timer = setTimeout(loop, intervalMs);
    return;
  }
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort?.close();
});

timer = setTimeout(loop, intervalMs);
