import type { Worker } from 'node:worker_threads';
import { startWorker } from '../runtime/worker-thread.ts';
import { storedLeafPieces, type StoredAuditRow } from './audit-entry.ts';
import type { LeafHashAnswer, LeafHashRequest } from './leaf-hash-worker.ts';
import { HASH_BYTES } from './tree-hash.ts';

/**
 * Leaf hashing on a second core for `audit verify` (issue 18). A stored row's leaf hash depends only on its own stored
 * text (read as the entry at its own seq), so batches of rows are hashed on a worker thread while this thread reads
 * the next batch from the store; the walk then checks seq, prevHash, entryHash, the tree and the checkpoints in order
 * exactly as before (verify-log.ts), using the hash computed ahead for a row read at its own seq and hashing on this
 * thread only what the slow path asks (a row read as the entry at another seq).
 */

/** Stored rows and, when hashed ahead, their leaf hashes read at their own seq (32 bytes each, in order); null: not hashed. */
export interface HashedBatch<R> {
  readonly rows: readonly R[];
  readonly leaves: Buffer | null;
}

export class LeafHashWorker {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: unknown) => void }>();
  #next = 0;
  #failed: unknown = null;

  constructor() {
    this.#worker = startWorker(new URL('./leaf-hash-worker.ts', import.meta.url));
    this.#worker.on('message', (m: LeafHashAnswer) => {
      const w = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      w?.resolve(Buffer.from(m.hashes.buffer, m.hashes.byteOffset, m.hashes.byteLength));
    });
    const fail = (e: unknown) => {
      this.#failed = e;
      for (const w of this.#waiting.values()) w.reject(e);
      this.#waiting.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`leaf hash worker exited (${code})`)));
  }

  /** The leaf hashes of the leaves given as `perLeaf` consecutive pieces each (the text of leaf i: its pieces joined), in order. */
  hash(pieces: readonly string[], perLeaf: number): Promise<Buffer> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      const request: LeafHashRequest = { id, pieces, perLeaf };
      this.#worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}

/**
 * The rows in batches of `size`, each hashed on the worker, up to `ahead` batches in flight while the next ones are
 * read. Should the worker fail, the remaining batches come unhashed (leaves null) and the walk hashes them itself:
 * the verdict never depends on the worker.
 */
export async function* hashedBatches(
  rows: AsyncIterable<StoredAuditRow>,
  worker: LeafHashWorker,
  size = 4096,
  ahead = 3,
): AsyncGenerator<HashedBatch<StoredAuditRow>> {
  const inFlight: { rows: StoredAuditRow[]; leaves: Promise<Buffer | null> }[] = [];
  const send = (batch: StoredAuditRow[]) => {
    // Each row's pieces, not its leaf text: the payload (~27 KB for a decision) is cloned to the worker as the store gave
    // it, not first copied into a leaf text here.
    const pieces = new Array<string>(batch.length * 3);
    for (let i = 0; i < batch.length; i++) {
      const [head, payload, tail] = storedLeafPieces(batch[i]!);
      pieces[3 * i] = head;
      pieces[3 * i + 1] = payload;
      pieces[3 * i + 2] = tail;
    }
    inFlight.push({
      rows: batch,
      leaves: worker.hash(pieces, 3).then(
        (b) => (b.length === batch.length * HASH_BYTES ? b : null),
        () => null,
      ),
    });
  };
  let batch: StoredAuditRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length < size) continue;
    send(batch);
    batch = [];
    if (inFlight.length >= ahead) {
      const first = inFlight.shift()!;
      yield { rows: first.rows, leaves: await first.leaves };
    }
  }
  if (batch.length > 0) send(batch);
  for (const b of inFlight) yield { rows: b.rows, leaves: await b.leaves };
}
