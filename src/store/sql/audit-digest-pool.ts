import { startWorker } from '../../runtime/worker-thread.ts';
import { digestRanges, type LeafDigestRequest, type LeafRangeDigest } from '../../audit/index.ts';
import { fromWire, type WireDigest } from './audit-digest-wire.ts';

/** Ranges each worker may hold done or in progress ahead of the verifier: bounds the payload texts kept in memory. */
const AHEAD_PER_WORKER = 2;

/** What a digest worker is asked (one range) and answers (e.g. sqlite/audit-digest-worker.ts). */
export interface DigestTask {
  readonly id: number;
  readonly from: number;
  readonly to: number;
}
export interface DigestAnswer {
  readonly id: number;
  readonly digest: WireDigest;
}

/**
 * `audit.leafDigests` on worker threads (issue 18): ranges dealt round-robin to `workers` threads running `worker`
 * (each with its own connection, e.g. sqlite/audit-digest-worker.ts, given `data` and the request's payloadFields),
 * answered in range order; the verifying thread meanwhile builds the tree and folds the payloads. A worker that fails
 * answers its ranges `unclean`: the verifier then reads them row by row, so the verdict never depends on a worker.
 * PostgreSQL does not use it: there the server reading the rows is the bottleneck, and workers with their own
 * connections were slower (docs/performance.md).
 */
export function leafDigestsOnWorkers(worker: URL, data: Readonly<Record<string, unknown>>, workers: number) {
  return (request: LeafDigestRequest): AsyncIterable<LeafRangeDigest> =>
    digestsOnWorkers(worker, { ...data, payloadFields: request.payloadFields }, Math.max(1, workers), request);
}

async function* digestsOnWorkers(
  url: URL,
  data: Readonly<Record<string, unknown>>,
  workerCount: number,
  request: LeafDigestRequest,
): AsyncGenerator<LeafRangeDigest> {
  const ranges = digestRanges(request);
  if (ranges.length === 0) return;
  const answers = ranges.map(() => deferred<LeafRangeDigest>());
  const pool = Array.from({ length: Math.min(workerCount, ranges.length) }, () => {
    const worker = startWorker(url, { workerData: data });
    const assigned = new Set<number>();
    let dead: string | null = null;
    worker.on('message', (m: DigestAnswer) => {
      assigned.delete(m.id);
      answers[m.id]!.resolve(fromWire(m.digest));
    });
    const fail = (why: string) => {
      dead ??= why;
      for (const id of assigned) answers[id]!.resolve({ kind: 'unclean', ...ranges[id]!, detail: why });
      assigned.clear();
    };
    worker.on('error', (e) => fail(`digest worker failed: ${e.name}: ${e.message}`));
    worker.on('exit', (code) => fail(`digest worker exited (${code})`));
    return { worker, assigned, dead: () => dead };
  });
  let sent = 0;
  const sendUpTo = (limit: number) => {
    for (; sent < Math.min(limit, ranges.length); sent++) {
      const w = pool[sent % pool.length]!;
      const dead = w.dead();
      if (dead !== null) {
        answers[sent]!.resolve({ kind: 'unclean', ...ranges[sent]!, detail: dead });
        continue;
      }
      w.assigned.add(sent);
      const task: DigestTask = { id: sent, ...ranges[sent]! };
      w.worker.postMessage(task);
    }
  };
  try {
    for (let i = 0; i < ranges.length; i++) {
      sendUpTo(i + pool.length * AHEAD_PER_WORKER);
      yield await answers[i]!.promise;
    }
  } finally {
    for (const w of pool) w.worker.removeAllListeners('exit');
    await Promise.all(pool.map((w) => w.worker.terminate()));
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
