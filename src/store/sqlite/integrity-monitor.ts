import { startWorker } from '../../runtime/worker-thread.ts';
import type { QuickCheckMessage } from './quick-check-worker.ts';
import type { SqliteFileWatch } from './sqlite-file-watch.ts';

/** A round that found damage, or could not run; `remit serve` logs and counts both (worker store-integrity). */
export type IntegrityProblemListener = (problem: { readonly kind: 'corrupt' | 'not-checked'; readonly detail: string }) => void;

export interface IntegrityMonitor {
  stop(): Promise<void>;
}

/**
 * Starts the periodic `PRAGMA quick_check` (quick-check-worker.ts) for a watched file: damage marks
 * the store faulted (writes refused, /ready red). A round that could not run (the file is gone,
 * a lock) proves nothing about the pages; the file watch reports a missing or replaced file itself.
 */
export function startIntegrityMonitor(
  watch: SqliteFileWatch,
  intervalMs: number,
  onProblem: IntegrityProblemListener = () => {},
): IntegrityMonitor {
  const worker = startWorker(new URL('./quick-check-worker.ts', import.meta.url), { workerData: { path: watch.file, intervalMs } });
  // The monitor never keeps a process alive on its own.
  worker.unref();
  worker.on('message', (m: QuickCheckMessage) => {
    if (m.kind === 'ok') watch.markIntegrityChecked(m.at);
    else if (m.kind === 'corrupt') {
      watch.markFaulted('STORE_CORRUPT', `${watch.file}: ${m.detail}`);
      onProblem({ kind: 'corrupt', detail: m.detail });
    } else onProblem({ kind: 'not-checked', detail: m.detail });
  });
  // A worker that cannot run is no evidence of damage; the check is simply absent (integrityCheckedAt
  // stays old), and the operator is told (remit serve logs and counts it).
  worker.on('error', (e) => onProblem({ kind: 'not-checked', detail: e.message }));
  return {
    async stop() {
      await worker.terminate();
    },
  };
}
