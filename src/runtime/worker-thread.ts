import { getCompileCacheDir } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SHARE_ENV, Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starting a worker thread that runs Remit's TypeScript sources (docs/architecture.md "Worker threads").
 *
 * Node strips a `.ts` module's types with its bundled TypeScript parser, which is WebAssembly: a thread that strips a
 * file first compiles that parser (~700 functions, ~0.2 s of CPU). Each worker is a new isolate, so without help every
 * list load, checkpointer, integrity monitor and verify worker compiles it again, and V8's WebAssembly code, shared by
 * the process's isolates, is where Node's rare crashes on a worker's start or exit live (a worker exiting while another
 * isolate still compiles it). Node's on-disk compile cache keeps the stripped text, so a worker that finds its modules
 * there never loads the parser. `module.enableCompileCache()` (bin/remit.mjs) applies to the calling thread only and a
 * worker reads `NODE_COMPILE_CACHE` as it starts, so every worker is given the directory: the one this thread uses,
 * else Node's default under the OS temporary directory. `NODE_DISABLE_COMPILE_CACHE` still turns it off.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  return new Worker(url, { ...options, env: workerEnv(options.env) });
}

function workerEnv(env: WorkerOptions['env']): WorkerOptions['env'] {
  // A worker sharing this thread's environment sees whatever this thread sets; nothing to add.
  if (env === SHARE_ENV) return env;
  const base = (env ?? process.env) as NodeJS.ProcessEnv;
  // Node treats the variable as set even when it is empty.
  if (base['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return base;
  return { ...base, NODE_COMPILE_CACHE: base['NODE_COMPILE_CACHE'] || thisThreadsCompileCacheDir() || defaultCompileCacheDir() };
}

/** The directory this thread's cache was enabled with: `getCompileCacheDir()` names Node's per-version folder inside it. */
function thisThreadsCompileCacheDir(): string | undefined {
  const dir = getCompileCacheDir();
  return dir === undefined ? undefined : dirname(dir);
}

/** Where `module.enableCompileCache()` puts the cache when given no directory. */
function defaultCompileCacheDir(): string {
  return join(tmpdir(), 'node-compile-cache');
}
