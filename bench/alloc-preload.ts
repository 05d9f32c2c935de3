/**
 * Loaded into a `remit serve` child by `bench/alloc-serve.ts` (`--import`): SIGUSR2 starts measuring, the next SIGUSR2
 * stops and writes REMIT_ALLOC_OUT (JSON). Measures the JS heap bytes allocated in between, exactly enough: V8's GC
 * profiler reports the heap before and after every collection, so allocation = what the heap grew by between
 * collections. With REMIT_ALLOC_SAMPLE set it also records a sampled heap profile that keeps the objects minor and
 * major GCs collected (the default profile only shows what is still alive), to rank allocation sites.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import v8 from 'node:v8';

const out = process.env.REMIT_ALLOC_OUT!;
// E.g. `--no-turbo-inlining`: the sampler names only the outermost function of an optimised frame, so a callee inlined
// into it has its allocations counted there; without inlining each site is named (slower, same bytes).
if (process.env.REMIT_ALLOC_V8_FLAGS) v8.setFlagsFromString(process.env.REMIT_ALLOC_V8_FLAGS);
const sampleInterval = Number(process.env.REMIT_ALLOC_SAMPLE ?? 0);
let running: { gc: v8.GCProfiler; used0: number; session?: Session } | undefined;

async function start(): Promise<void> {
  const gc = new v8.GCProfiler();
  let session: Session | undefined;
  if (sampleInterval > 0) {
    session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: sampleInterval,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  gc.start();
  running = { gc, used0: v8.getHeapStatistics().used_heap_size, session };
}

async function stop(): Promise<void> {
  const r = running!;
  running = undefined;
  const used1 = v8.getHeapStatistics().used_heap_size;
  const stats = r.gc.stop()!.statistics;
  let allocated = 0;
  let before = r.used0;
  let gcs = 0;
  let gcMs = 0;
  const byType: Record<string, { n: number; ms: number }> = {};
  for (const s of stats) {
    const t = (byType[s.gcType] ??= { n: 0, ms: 0 });
    t.n++;
    t.ms += s.cost / 1000;
    allocated += s.beforeGC.heapStatistics.usedHeapSize - before;
    before = s.afterGC.heapStatistics.usedHeapSize;
    gcs++;
    gcMs += s.cost / 1000;
  }
  allocated += used1 - before;
  const profile = r.session ? (await r.session.post('HeapProfiler.stopSampling')).profile : undefined;
  r.session?.disconnect();
  // Written under another name first: the bench polls for the file and must not read half of it.
  writeFileSync(`${out}.part`, JSON.stringify({ allocated, gcs, gcMs, byType, profile }));
  renameSync(`${out}.part`, out);
}

process.on('SIGUSR2', () => void (running ? stop() : start()));
