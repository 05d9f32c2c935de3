import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Runs `PRAGMA quick_check(1)` on the store every intervalMs, in a worker thread: node:sqlite is
 * synchronous and a check reads every page, so on the service's own thread it would stall
 * requests. Each round opens a fresh read-only connection, so pages come from the disk (through
 * the OS cache) and not from a connection's page cache that predates the damage.
 * Plain Node (no imports from the project): it runs outside any bundler.
 */

export type QuickCheckMessage =
  | { readonly kind: 'ok'; readonly at: string; readonly ms: number }
  | { readonly kind: 'corrupt'; readonly at: string; readonly detail: string }
  | { readonly kind: 'not-checked'; readonly at: string; readonly detail: string };

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const CORRUPT = new Set([11, 26]);

function checkOnce(): QuickCheckMessage {
  const at = new Date().toISOString();
  const started = performance.now();
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true, timeout: 5_000 });
    const row = db.prepare('PRAGMA quick_check(1)').get() as Record<string, unknown> | undefined;
    const verdict = String(Object.values(row ?? {})[0] ?? 'no answer');
    if (verdict !== 'ok') return { kind: 'corrupt', at, detail: `PRAGMA quick_check: ${verdict}` };
    return { kind: 'ok', at, ms: performance.now() - started };
  } catch (e) {
    const code = (e as { errcode?: unknown }).errcode;
    const detail = (e as Error).message;
    return typeof code === 'number' && CORRUPT.has(code & 0xff) ? { kind: 'corrupt', at, detail } : { kind: 'not-checked', at, detail };
  } finally {
    db?.close();
  }
}

function loop(): void {
  parentPort?.postMessage(checkOnce());
  setTimeout(loop, intervalMs);
}

loop();
