/**
 * Loading list sources on a worker thread (docs/screening.md "Loading lists off the event loop"): parsing an
 * OFAC-sized file and normalising and indexing every name take seconds of CPU, during which a service loading on its
 * event loop answers nothing. A worker (list-load-worker.ts) parses the files and builds the name index over the lists
 * the service will hold; this thread only copies the result in and swaps it into the service in one synchronous step.
 *
 * One worker per load, terminated by `close()` if still running: nothing stays alive between loads. A file that
 * cannot be loaded rejects with the loader's ListLoadError (same file, line and words as on this thread); a worker
 * that crashes, exits or cannot start rejects with a SourceLoadError marked `worker`, a ListLoadError too, so every
 * caller treats it as an unreadable file.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../runtime/worker-thread.ts';
import { ListLoadError } from './list-error.ts';
import type { ListLoadAnswer, ListLoadRequest, LayoutSlot } from './list-load-worker.ts';
import type { ListSource } from './list-sources.ts';
import { NameIndex } from './name-index.ts';
import type { LoadedList, ScreeningEntity } from './screening-entity.ts';

/** The lists in force once the loaded ones are added, in order: an id kept (with its entities here) or one loaded. */
export type ListLayout = readonly { readonly listId: string; readonly entities: ScreeningEntity[] | undefined }[];

/** Loaded lists and the index over the layout they were loaded for (undefined: it did not fit, the swap builds one). */
export interface PreparedLists {
  readonly lists: readonly LoadedList[];
  readonly index: NameIndex | undefined;
}

/**
 * Why a load failed, naming the sources concerned: a file that cannot be loaded (`worker: false`, the loader's own
 * message), or the worker itself (crashed, exited early, could not start, stopped: `worker: true`, all the sources
 * of the load). A ListLoadError either way, so callers treat both as an unreadable file.
 */
export class SourceLoadError extends ListLoadError {
  readonly sourceIds: readonly string[];
  readonly worker: boolean;

  constructor(sourceIds: readonly string[], e: { file: string; line: number | undefined; detail: string }, worker: boolean) {
    super(e.file, e.line, e.detail);
    this.name = 'SourceLoadError';
    this.sourceIds = sourceIds;
    this.worker = worker;
  }
}

function workerFailed(sources: readonly ListSource[], detail: string): SourceLoadError {
  const e = { file: sources.map((s) => s.path).join(', '), line: undefined, detail: `list load worker failed: ${detail}` };
  return new SourceLoadError(
    sources.map((s) => s.id),
    e,
    true,
  );
}

const WORKER_URL = new URL('./list-load-worker.ts', import.meta.url);

/** The entities in index order: this thread's own objects for the kept lists, the loaded lists' for the others. */
function entitiesOf(layout: ListLayout, byId: ReadonlyMap<string, LoadedList>): ScreeningEntity[] {
  return layout.flatMap((slot) => slot.entities ?? byId.get(slot.listId)?.entities ?? []);
}

export class ListLoadThreads {
  readonly #live = new Set<Worker>();
  readonly #workerUrl: URL;
  #closed = false;

  /** `workerUrl`: the worker script (tests substitute one that crashes). */
  constructor(options: { readonly workerUrl?: URL } = {}) {
    this.#workerUrl = options.workerUrl ?? WORKER_URL;
  }

  /** Workers running now (a test checks none is left behind). */
  get running(): number {
    return this.#live.size;
  }

  /**
   * Loads `sources` (their list id is the source id) and builds the index over `layout`, which must name each of them
   * once. Rejects with a ListLoadError when a file cannot be loaded or the worker fails.
   */
  load(sources: readonly ListSource[], now: Date, layout: ListLayout): Promise<PreparedLists> {
    if (this.#closed) return Promise.reject(workerFailed(sources, 'the screening service is stopping'));
    const request: ListLoadRequest = { sources, now: now.toISOString(), layout: layout.map((slot) => slotOf(slot, sources)) };
    return new Promise((resolve, reject) => {
      let worker: Worker;
      try {
        worker = startWorker(this.#workerUrl, { workerData: request });
      } catch (e) {
        reject(workerFailed(sources, e instanceof Error ? e.message : String(e)));
        return;
      }
      this.#live.add(worker);
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        this.#live.delete(worker);
        f();
      };
      worker.once('message', (m: ListLoadAnswer) =>
        settle(() => (m.kind === 'loaded' ? resolve(prepared(m, layout)) : reject(new SourceLoadError([sources[m.source]!.id], m, false)))),
      );
      worker.once('error', (e) => settle(() => reject(workerFailed(sources, e.message))));
      worker.once('exit', (code) => settle(() => reject(workerFailed(sources, `exited (code ${code}) without an answer`))));
    });
  }

  /** Stops the workers still loading (their loads reject); later loads reject at once. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#live].map((w) => w.terminate()));
    this.#live.clear();
  }
}

function slotOf(slot: ListLayout[number], sources: readonly ListSource[]): LayoutSlot {
  if (slot.entities) return { kind: 'kept', entities: slot.entities };
  const source = sources.findIndex((s) => s.id === slot.listId);
  if (source < 0) throw new Error(`layout names ${slot.listId}, which is neither kept nor loaded`);
  return { kind: 'load', source };
}

function prepared(m: Extract<ListLoadAnswer, { kind: 'loaded' }>, layout: ListLayout): PreparedLists {
  const byId = new Map(m.lists.map((l) => [l.version.listId, l]));
  return { lists: m.lists, index: NameIndex.fromParts(entitiesOf(layout, byId), m.parts) };
}
