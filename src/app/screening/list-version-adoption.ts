import { toIso } from '../../domain/shared/zoned-time.ts';
import type { PreparedLists } from '../../screening/list-load-thread.ts';
import { filesModifiedAt, type ListSource } from '../../screening/list-sources.ts';
import type { LoadedList } from '../../screening/screening-entity.ts';
import type { ScreeningService, WithheldSource } from '../../screening/screening-service.ts';
import type { ListVersionRecord } from '../../store/ports/screening-lists.port.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { loadSourcesOffThread } from './off-thread-list-load.ts';
import { logLoadWarnings } from './screening-lists.use-case.ts';

/**
 * docs/screening.md "Versions in force on every instance": a reload (or an approval) on one instance records the
 * version in force in the store; every other instance notices it here, at most a sync interval later, and either swaps
 * in the same file (its sha256 is the one in force) or, when its own file is another one, stops clearing leads against
 * a list it knows is stale (the source is withheld as `stale`: its older entries still give hits, but no lead is clear).
 */

export type AdoptionDeps = Pick<ServiceContext, 'store' | 'clock' | 'log' | 'metrics' | 'screening' | 'listSources'>;

/** What one pass did to a source: its file swapped in, found stale (or unreadable), or reloaded for expired entries. */
export interface AdoptionChange {
  readonly sourceId: string;
  readonly result: 'adopted' | 'stale' | 'unreadable' | 'expired_dropped';
}

/** Formats whose entries carry an end date (listing-end-date.ts): a load on a later day can drop entries. */
const ENDING_FORMATS: ReadonlySet<string> = new Set(['csl-csv', 'dpl-tsv']);

const utcDay = (iso: string): string => iso.slice(0, 10);

/**
 * Per-instance memory between passes, so an unchanged stale file (or an unchanged day) is not read again every pass:
 * the stamp is the version in force plus the file's modification time.
 */
export class AdoptionMemo {
  readonly triedStamps = new Map<string, string>();
  readonly endDateDays = new Map<string, string>();
}

function fileStamp(source: ListSource, here: LoadedList | undefined, inForce: ListVersionRecord): string {
  return `${inForce.sha256}|${filesModifiedAt(here?.version.files ?? [source.path]) ?? 'missing'}`;
}

type Loaded =
  | { readonly kind: 'loaded'; readonly list: LoadedList; readonly index: PreparedLists['index'] }
  | { readonly kind: 'unreadable'; readonly detail: string };

/** The source's file, loaded and indexed on a worker thread (the event loop keeps answering meanwhile). */
async function tryLoad(deps: AdoptionDeps, screening: ScreeningService, source: ListSource): Promise<Loaded> {
  const loaded = await loadSourcesOffThread(deps, screening, [source]);
  if (!loaded.ok) return { kind: 'unreadable', detail: loaded.error.message };
  return { kind: 'loaded', list: loaded.value.lists[0]!, index: loaded.value.index };
}

/**
 * A load awaits its worker: if the list here changed meanwhile (a reload on this instance), the load is not swapped
 * over it, and the next pass compares again.
 */
const changedMeanwhile = (screening: ScreeningService, source: ListSource, here: LoadedList | undefined): boolean =>
  screening.loaded(source.id) !== here;

function markStale(deps: AdoptionDeps, screening: ScreeningService, inForce: ListVersionRecord, loaded: Loaded): AdoptionChange {
  const fileSha256 = loaded.kind === 'loaded' ? loaded.list.version.sha256 : null;
  const stale: WithheldSource = {
    sourceId: inForce.sourceId,
    reason: 'stale',
    code: 'SCREENING_LIST_STALE',
    inForceSha256: inForce.sha256,
    fileSha256,
    since: toIso(deps.clock.now()),
  };
  const result = loaded.kind === 'loaded' ? 'stale' : 'unreadable';
  const previous = screening.withheldSources().find((w) => w.sourceId === inForce.sourceId);
  // The same finding again (a file touched but still not the one in force) keeps its first `since`.
  if (previous?.reason !== 'stale' || previous.inForceSha256 !== inForce.sha256 || previous.fileSha256 !== fileSha256)
    screening.withhold(stale);
  deps.log.warn(
    {
      code: 'SCREENING_LIST_STALE',
      source: inForce.sourceId,
      inForceSha256: inForce.sha256,
      fileSha256,
      ...(loaded.kind === 'unreadable' ? { detail: loaded.detail } : {}),
    },
    'screening list here is not the version in force: leads are not cleared on this instance until its file is the one in force',
  );
  return { sourceId: inForce.sourceId, result };
}

/**
 * One source against its version in force; null when nothing changed. The file is loaded on a worker; what follows the
 * load (compare, swap or withhold) is synchronous, so no lead is screened against a half-built version.
 */
async function adoptOne(
  deps: AdoptionDeps,
  screening: ScreeningService,
  memo: AdoptionMemo,
  source: ListSource,
  inForce: ListVersionRecord,
): Promise<AdoptionChange | null> {
  const here = screening.loaded(source.id);
  const withheld = screening.withheldSources().find((w) => w.sourceId === source.id);
  if (here?.version.sha256 === inForce.sha256 && withheld?.reason !== 'stale') return expiryPass(deps, screening, memo, source, here);
  const stamp = fileStamp(source, here, inForce);
  if (memo.triedStamps.get(source.id) === stamp) return null;
  memo.triedStamps.set(source.id, stamp);
  const loaded = await tryLoad(deps, screening, source);
  if (changedMeanwhile(screening, source, here)) {
    memo.triedStamps.delete(source.id);
    return null;
  }
  if (loaded.kind === 'loaded' && loaded.list.version.sha256 === inForce.sha256) {
    logLoadWarnings(deps, loaded.list);
    screening.apply({ add: [loaded.list], ...(loaded.index ? { index: loaded.index } : {}) });
    memo.triedStamps.delete(source.id);
    memo.endDateDays.set(source.id, utcDay(toIso(deps.clock.now())));
    deps.log.info(
      { source: source.id, sha256: inForce.sha256, entryCount: loaded.list.version.entryCount, loadedBy: inForce.loadedBy },
      'screening list adopted: the version put in force on another instance (or approved) is the file here',
    );
    return { sourceId: source.id, result: 'adopted' };
  }
  // A file awaiting approval here is already withheld (its data is not screened): the approval, once in force, is adopted.
  if (withheld?.reason === 'pending_approval') return null;
  return markStale(deps, screening, inForce, loaded);
}

/**
 * CSL and DPL entries end (listing-end-date.ts): a list loaded on an earlier UTC day is loaded again once a day, and the
 * load (the same file, so the same version in force) replaces it when it dropped entries that ended since.
 */
async function expiryPass(
  deps: AdoptionDeps,
  screening: ScreeningService,
  memo: AdoptionMemo,
  source: ListSource,
  here: LoadedList,
): Promise<AdoptionChange | null> {
  if (!ENDING_FORMATS.has(source.format)) return null;
  const today = utcDay(toIso(deps.clock.now()));
  if ((memo.endDateDays.get(source.id) ?? utcDay(here.version.loadedAt)) >= today) return null;
  memo.endDateDays.set(source.id, today);
  const loaded = await tryLoad(deps, screening, source);
  // Another file on disk (not yet reloaded) or an unreadable one: the version in force stays, the scheduled check says so.
  if (loaded.kind !== 'loaded' || loaded.list.version.sha256 !== here.version.sha256) return null;
  if (loaded.list.version.entryCount === here.version.entryCount || changedMeanwhile(screening, source, here)) return null;
  screening.apply({ add: [loaded.list], ...(loaded.index ? { index: loaded.index } : {}) });
  deps.log.info(
    { source: source.id, before: here.version.entryCount, after: loaded.list.version.entryCount },
    'screening list entries past their end date dropped',
  );
  return { sourceId: source.id, result: 'expired_dropped' };
}

/**
 * One pass: reads the versions in force (one small query) and brings every configured source in line, one source at a
 * time. While a source's file loads on its worker the service keeps screening with the version it holds (the bound in
 * docs/screening.md grows by the load's time); the swap itself is one synchronous step.
 */
export async function adoptVersionsInForce(deps: AdoptionDeps, memo: AdoptionMemo): Promise<readonly AdoptionChange[]> {
  const screening = deps.screening;
  const catalogue = deps.listSources;
  if (!screening || !catalogue) return [];
  const inForce = await deps.store.screeningLists.inForce();
  const changes: AdoptionChange[] = [];
  for (const record of inForce) {
    const source = catalogue.get(record.sourceId);
    if (!source) continue;
    const change = await adoptOne(deps, screening, memo, source, record);
    if (change) {
      deps.metrics.screeningListSyncs.inc({ list: change.sourceId, result: change.result });
      changes.push(change);
    }
  }
  return changes;
}
