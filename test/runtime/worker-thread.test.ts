import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/runtime/worker-thread.ts';

const run = promisify(execFile);
const PROBE = new URL('./fixtures/compile-cache-probe.worker.ts', import.meta.url);
const START = new URL('./fixtures/start-probe.mjs', import.meta.url);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'remit-worker-cc-'));
  dirs.push(d);
  return d;
};

async function probe(env: NodeJS.ProcessEnv): Promise<string | null> {
  const worker = startWorker(PROBE, { env });
  // Listen for both at once: a worker that exits before its message is handled has the message drained and 'exit'
  // emitted in the same tick, before an 'exit' listener added after the message would be (a 30 s hang under load).
  const [[dir]] = (await Promise.all([once(worker, 'message'), once(worker, 'exit')])) as [[string | null], unknown];
  return dir;
}

/** WebAssembly functions V8 compiled in a child that starts the probe worker (Node's TypeScript parser is WebAssembly). */
async function wasmCompiledIn(
  cacheDir: string,
  how: 'startWorker' | 'plain',
): Promise<{ compiled: number; workerCacheDir: string | null }> {
  // The child's environment names no cache: only the entry point's enableCompileCache (this thread's) and startWorker do.
  const { NODE_COMPILE_CACHE: _dir, NODE_DISABLE_COMPILE_CACHE: _off, ...env } = process.env;
  const { stdout, stderr } = await run(process.execPath, ['--trace-wasm-compilation-times', START.pathname, cacheDir, how], { env });
  const report = JSON.parse(stderr) as { workerCacheDir: string | null };
  return { compiled: stdout.split('Compiled function').length - 1, ...report };
}

describe('startWorker: workers use the on-disk compile cache (docs/architecture.md "Worker threads")', () => {
  it("hands the worker this thread's cache directory, so a warm start compiles no TypeScript parser at all", async () => {
    const cache = tempDir();
    const cold = await wasmCompiledIn(cache, 'startWorker');
    // The first start strips the sources with the parser (this proves the trace counts it) …
    expect(cold.compiled).toBeGreaterThan(0);
    // The very folder this thread writes (Node adds one per version inside the directory it is given).
    expect(dirname(cold.workerCacheDir!)).toBe(cache);
    // … the second finds every stripped module, the worker's included, in the cache.
    const warm = await wasmCompiledIn(cache, 'startWorker');
    expect(warm.compiled).toBe(0);
    // The control: a plain Worker runs without the cache and compiles the parser again on every start.
    const plain = await wasmCompiledIn(cache, 'plain');
    expect(plain.workerCacheDir).toBeNull();
    expect(plain.compiled).toBeGreaterThan(0);
  });

  it("keeps a directory the caller names, else Node's default; NODE_DISABLE_COMPILE_CACHE turns it off", async () => {
    const named = tempDir();
    const { NODE_COMPILE_CACHE: _dir, NODE_DISABLE_COMPILE_CACHE: _off, ...env } = process.env;
    expect((await probe({ ...env, NODE_COMPILE_CACHE: named }))?.startsWith(named)).toBe(true);
    // The test process enabled no cache of its own: the worker gets the default of module.enableCompileCache().
    expect((await probe(env))?.startsWith(join(tmpdir(), 'node-compile-cache'))).toBe(true);
    expect(await probe({ ...env, NODE_DISABLE_COMPILE_CACHE: '1' })).toBeNull();
    expect(await probe({ ...env, NODE_DISABLE_COMPILE_CACHE: '' })).toBeNull();
  });
});
