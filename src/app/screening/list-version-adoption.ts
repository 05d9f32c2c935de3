import { toIso } from '../../domain/shared/zoned-time.ts';
import type { PreparedLists } from '../../screening/list-load-thread.ts';
import { filesModifiedAt, type ListSource } from '../../screening/list-sources.ts';
import type { LoadedList } from '../../screening/screening-entity.ts';
import type { ScreeningService, WithheldSource } from '../../screening/screening-service.ts';
import type { ListVersionRecord } from '../../store/ports/screening-lists.port.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { failedSourceIds, loadSourcesOffThread } from './off-thread-list-load.ts';
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

type Loaded = { readonly kind: 'loaded'; readonly list: LoadedList } | { readonly kind: 'unreadable'; readonly detail: string };

/** What a pass loads for a source: its file to adopt (or find stale), or, same version, for entries that ended. */
interface Plan {
  readonly kind: 'adopt' | 'expiry';
  readonly source: ListSource;
  readonly inForce: ListVersionRecord;
  /** The list here when the pass planned the load (a reload here meanwhile wins over the load). */
  readonly here: LoadedList | undefined;
  readonly withheld: WithheldSource | undefined;
}

/** Each planned source's load, and the index over the lists once all loaded ones are added (if it was built). */
interface Loads {
  readonly bySource: ReadonlyMap<string, Loaded>;
  readonly index: PreparedLists['index'];
}

/**
 * The planned sources loaded on one worker thread, with one index (the event loop keeps answering meanwhile). A file
 * that cannot be loaded is that source's finding and the others are loaded again without it; a failed worker leaves
 * every source of that load unreadable (and is counted as a worker failure).
 */
async function loadPlanned(deps: AdoptionDeps, screening: ScreeningService, plans: readonly Plan[]): Promise<Loads> {
  const bySource = new Map<string, Loaded>();
  let sources = plans.map((p) => p.source);
  while (sources.length > 0) {
    const loaded = await loadSourcesOffThread(deps, screening, sources);
    if (loaded.ok) {
      for (const list of loaded.value.lists) bySource.set(list.version.listId, { kind: 'loaded', list });
      return { bySource, index: loaded.value.index };
    }
    const named = new Set(failedSourceIds(loaded.error, sources));
    // an error naming none of them (never expected) fails them all rather than loading the same ones again
    const failed = sources.some((s) => named.has(s.id)) ? named : new Set(sources.map((s) => s.id));
    for (const id of failed) bySource.set(id, { kind: 'unreadable', detail: loaded.error.message });
    sources = sources.filter((s) => !failed.has(s.id));
  }
  return { bySource, index: undefined };
}

/**
 * A load awaits its worker: if the list here changed meanwhile (a reload on this instance), the load is not swapped
 * over it, and the next pass compares again.
 */
const changedMeanwhile = (screening: ScreeningService, plan: Plan): boolean => screening.loaded(plan.source.id) !== plan.here;

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

/** Whether a source needs its file loaded this pass (null: in line, or its unchanged stale file was already read). */
function planOne(
  screening: ScreeningService,
  memo: AdoptionMemo,
  source: ListSource,
  inForce: ListVersionRecord,
  today: string,
): Plan | null {
  const here = screening.loaded(source.id);
  const withheld = screening.withheldSources().find((w) => w.sourceId === source.id);
  if (here?.version.sha256 === inForce.sha256 && withheld?.reason !== 'stale') {
    // CSL and DPL entries end (listing-end-date.ts): a list loaded on an earlier UTC day is loaded again once a day.
    if (!ENDING_FORMATS.has(source.format) || (memo.endDateDays.get(source.id) ?? utcDay(here.version.loadedAt)) >= today) return null;
    memo.endDateDays.set(source.id, today);
    return { kind: 'expiry', source, inForce, here, withheld };
  }
  const stamp = fileStamp(source, here, inForce);
  if (memo.triedStamps.get(source.id) === stamp) return null;
  memo.triedStamps.set(source.id, stamp);
  return { kind: 'adopt', source, inForce, here, withheld };
}

/** What a loaded file means for its source: the list to swap in (with the change), a finding, or nothing. */
type Settled = { readonly change: AdoptionChange; readonly add?: LoadedList } | null;

function settleAdopt(deps: AdoptionDeps, screening: ScreeningService, memo: AdoptionMemo, plan: Plan, loaded: Loaded): Settled {
  const { source, inForce } = plan;
  if (changedMeanwhile(screening, plan)) {
    memo.triedStamps.delete(source.id);
    return null;
  }
  if (loaded.kind === 'loaded' && loaded.list.version.sha256 === inForce.sha256) {
    logLoadWarnings(deps, loaded.list);
    memo.triedStamps.delete(source.id);
    memo.endDateDays.set(source.id, utcDay(toIso(deps.clock.now())));
    deps.log.info(
      { source: source.id, sha256: inForce.sha256, entryCount: loaded.list.version.entryCount, loadedBy: inForce.loadedBy },
      'screening list adopted: the version put in force on another instance (or approved) is the file here',
    );
    return { change: { sourceId: source.id, result: 'adopted' }, add: loaded.list };
  }
  // A file awaiting approval here is already withheld (its data is not screened): the approval, once in force, is adopted.
  if (plan.withheld?.reason === 'pending_approval') return null;
  return { change: markStale(deps, screening, inForce, loaded) };
}

/** The same file loaded on a later day: swapped in when entries ended since (same version in force, nothing recorded). */
function settleExpiry(deps: AdoptionDeps, screening: ScreeningService, plan: Plan, loaded: Loaded): Settled {
  const here = plan.here!;
  // Another file on disk (not yet reloaded) or an unreadable one: the version in force stays, the scheduled check says so.
  if (loaded.kind !== 'loaded' || loaded.list.version.sha256 !== here.version.sha256) return null;
  if (loaded.list.version.entryCount === here.version.entryCount || changedMeanwhile(screening, plan)) return null;
  deps.log.info(
    { source: plan.source.id, before: here.version.entryCount, after: loaded.list.version.entryCount },
    'screening list entries past their end date dropped',
  );
  return { change: { sourceId: plan.source.id, result: 'expired_dropped' }, add: loaded.list };
}

/**
 * One pass: reads the versions in force (one small query), plans which configured sources need their file loaded,
 * loads them all on one worker thread with one index, then settles each source and swaps the adopted lists in with one
 * synchronous apply (no lead is screened against a half-built version). While the worker loads, the service keeps
 * screening with the versions it holds: the bound in docs/screening.md grows by the load's time.
 */
export async function adoptVersionsInForce(deps: AdoptionDeps, memo: AdoptionMemo): Promise<readonly AdoptionChange[]> {
  const screening = deps.screening;
  const catalogue = deps.listSources;
  if (!screening || !catalogue) return [];
  const inForce = await deps.store.screeningLists.inForce();
  const today = utcDay(toIso(deps.clock.now()));
  const plans = inForce.flatMap((record) => {
    const source = catalogue.get(record.sourceId);
    const plan = source ? planOne(screening, memo, source, record, today) : null;
    return plan ? [plan] : [];
  });
  if (plans.length === 0) return [];
  const loads = await loadPlanned(deps, screening, plans);
  const settled = plans.map((plan) => {
    const loaded = loads.bySource.get(plan.source.id)!;
    return plan.kind === 'adopt' ? settleAdopt(deps, screening, memo, plan, loaded) : settleExpiry(deps, screening, plan, loaded);
  });
  const add = settled.flatMap((s) => (s?.add ? [s.add] : []));
  // The index built with the load covers every list it loaded: usable when all of them are swapped in.
  const all = add.length === [...loads.bySource.values()].filter((l) => l.kind === 'loaded').length;
  if (add.length > 0) screening.apply({ add, ...(all && loads.index ? { index: loads.index } : {}) });
  const changes = settled.flatMap((s) => (s ? [s.change] : []));
  for (const change of changes) deps.metrics.screeningListSyncs.inc({ list: change.sourceId, result: change.result });
  return changes;
}
