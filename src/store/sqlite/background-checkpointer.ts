import type { DatabaseSync } from 'node:sqlite';
import { startWorker } from '../../runtime/worker-thread.ts';
import type { CheckpointMessage } from './checkpoint-worker.ts';
import { whileWritesHeld } from './node-sqlite-dialect.ts';

/** SQLite's default wal_autocheckpoint (pages), put back when the background checkpointer is gone. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
/** Writes are never held longer than this for a WAL restart, whatever the worker does, ms. */
const MAX_HOLD_MS = 5000;

export interface BackgroundCheckpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the request path (issue 18): the service's connection stops
 * checkpointing inside COMMIT (`wal_autocheckpoint = 0`) and checkpoint-worker.ts does it every
 * intervalMs on its own thread and connection. When the WAL needs restarting the worker asks for
 * this process's writes to be held (fileKey: the file's write queue, node-sqlite-dialect.ts) until it
 * answers. If that worker fails or exits, the connection checkpoints inside COMMIT again, so the WAL
 * never grows without bound.
 */
export function startBackgroundCheckpointer(
  raw: DatabaseSync,
  path: string,
  fileKey: string,
  intervalMs: number,
  onMessage: (m: CheckpointMessage) => void = () => {},
): BackgroundCheckpointer {
  raw.exec('PRAGMA wal_autocheckpoint = 0');
  const worker = startWorker(new URL('./checkpoint-worker.ts', import.meta.url), { workerData: { path, intervalMs } });
  // Never keeps a process alive on its own.
  worker.unref();
  let stopping = false;
  const fallBack = () => {
    if (!stopping && raw.isOpen) raw.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };
  let answered: (() => void) | null = null;
  const answer = () => {
    answered?.();
    answered = null;
  };
  worker.on('message', (m: CheckpointMessage) => {
    if (m.kind !== 'hold-writes') {
      answer();
      onMessage(m);
      return;
    }
    void whileWritesHeld(fileKey, async () => {
      if (stopping) return;
      const done = new Promise<void>((resolve) => (answered = resolve));
      const guard = setTimeout(answer, MAX_HOLD_MS);
      worker.postMessage('writes-held');
      await done;
      clearTimeout(guard);
    });
  });
  worker.on('error', (e) => {
    onMessage({ kind: 'failed', detail: e.message });
    fallBack();
  });
  worker.on('exit', () => {
    answer();
    fallBack();
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      stopping = true;
      // Asked to stop, the worker closes its connection itself; terminate only if it does not within a second.
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
