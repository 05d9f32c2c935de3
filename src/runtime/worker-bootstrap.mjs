// The first module of every worker thread startWorker starts (worker-thread.ts): plain JavaScript, so nothing needs
// Node's TypeScript parser before the compile cache is on. argv: the worker's module URL, then the cache directory
// this thread's parent uses ('' when it uses none: Node's default, NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE then
// decide, as they do for bin/remit.mjs). Then the worker's own module runs, with its workerData and parentPort as given.
import { enableCompileCache } from 'node:module';

const [moduleUrl, cacheDir] = process.argv.slice(2);
enableCompileCache(cacheDir || undefined);
await import(moduleUrl);
