import { getCompileCacheDir } from 'node:module';
import { dirname } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starting a worker thread that runs Remit's TypeScript sources (docs/architecture.md "Worker threads").
 *
 * Node strips a `.ts` module's types with its bundled TypeScript parser, which is WebAssembly: a thread that strips a
 * file first compiles that parser (~700 functions, ~0.2 s of CPU). Each worker is a new isolate, so without help every
 * list load, checkpointer, integrity monitor and verify worker compiles it again, and V8's WebAssembly code, shared by
 * the process's isolates, is where Node's rare crashes on a worker's start or exit live (a worker exiting while another
 * isolate still compiles it). Node's on-disk compile cache keeps the stripped text, so a worker that finds its modules
 * there never loads the parser. `module.enableCompileCache()` (bin/remit.mjs) applies to the calling thread only, so
 * every worker starts in worker-bootstrap.mjs, plain JavaScript that enables the cache (the directory this thread
 * uses, else Node's default under the OS temporary directory) before it imports the worker's module. The environment
 * is left alone: `NODE_COMPILE_CACHE` and `NODE_DISABLE_COMPILE_CACHE` act in a worker as they do in bin/remit.mjs.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  return new Worker(BOOTSTRAP, { ...options, argv: [url.href, thisThreadsCompileCacheDir() ?? '', ...(options.argv ?? [])] });
}

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/** The directory this thread's cache was enabled with: `getCompileCacheDir()` names Node's per-version folder inside it. */
function thisThreadsCompileCacheDir(): string | undefined {
  const dir = getCompileCacheDir();
  return dir === undefined ? undefined : dirname(dir);
}
