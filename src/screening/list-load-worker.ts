import { parentPort, workerData } from 'node:worker_threads';
import { ListLoadError } from './list-error.ts';
import { loadListSource, type ListSource } from './list-sources.ts';
import { NameIndex, type NameIndexParts } from './name-index.ts';
import type { LoadedList, ScreeningEntity } from './screening-entity.ts';

/**
 * The worker-thread side of list-load-thread.ts (docs/screening.md "Loading lists off the event loop"): parses the
 * configured sources it is given and builds the name index over the lists the service will hold once they are added,
 * then posts both back. One worker per load: it starts, answers once and exits, so nothing stays alive between loads.
 */

/** A list the index covers: one already in force (its entities, cloned) or one this load reads (index into `sources`). */
export type LayoutSlot =
  { readonly kind: 'kept'; readonly entities: ScreeningEntity[] } | { readonly kind: 'load'; readonly source: number };

export interface ListLoadRequest {
  readonly sources: readonly ListSource[];
  /** The loaders' clock, fixed for the whole load (ISO). */
  readonly now: string;
  /** The lists in force after the swap, in the service's order; the index is built over their entities in this order. */
  readonly layout: readonly LayoutSlot[];
}

export type ListLoadAnswer =
  | { readonly kind: 'loaded'; readonly lists: readonly LoadedList[]; readonly parts: NameIndexParts }
  | {
      readonly kind: 'unreadable';
      /** The source that failed (index into `sources`). */
      readonly source: number;
      readonly file: string;
      readonly line: number | undefined;
      readonly detail: string;
    };

function answer(request: ListLoadRequest): ListLoadAnswer {
  const now = new Date(request.now);
  const lists: LoadedList[] = [];
  for (const [source, s] of request.sources.entries()) {
    try {
      lists.push(loadListSource(s, () => now));
    } catch (e) {
      if (!(e instanceof ListLoadError)) throw e;
      return { kind: 'unreadable', source, file: e.file, line: e.line, detail: e.detail };
    }
  }
  const entities = request.layout.flatMap((slot) => (slot.kind === 'kept' ? slot.entities : lists[slot.source]!.entities));
  return { kind: 'loaded', lists, parts: NameIndex.build(entities).toParts() };
}

const result = answer(workerData as ListLoadRequest);
// The postings arrays move rather than copy (they are the index's largest typed arrays).
const transfer = result.kind === 'loaded' ? [result.parts.start.buffer, result.parts.ids.buffer] : [];
parentPort!.postMessage(result, transfer as ArrayBuffer[]);
