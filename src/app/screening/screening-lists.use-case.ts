import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { ListLoadError } from '../../screening/list-error.ts';
import { loadListSource, shrinksTooMuch, type ListSource, type ListSourceCatalogue } from '../../screening/list-sources.ts';
import type { LoadedList } from '../../screening/screening-entity.ts';
import type { ListLoadWarnings } from '../../screening/list-warnings.ts';
import type { NameIndex } from '../../screening/name-index.ts';
import type { PreparedLists } from '../../screening/list-load-thread.ts';
import { failedSourceIds, loadSourcesOffThread } from './off-thread-list-load.ts';
import { listDelta } from '../../screening/list-delta.ts';
import type { ScreeningService, WithheldSource } from '../../screening/screening-service.ts';
import type { ListVersionRecord, PendingReloadRecord } from '../../store/ports/screening-lists.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { checkIndependentApprover } from '../access/segregation.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { adoptNameKeyScheme } from './screening-name-keys.ts';
import { queueRescreenJob, rescreenJobLists, type QueuedRescreen, type VersionedDelta } from './rescreen-jobs.ts';
import type { RescreenJobTrigger } from '../../store/ports/rescreen-jobs.port.ts';

/**
 * Screening list sources as configuration (docs/screening.md): reload by source id only, every reload
 * audited (who, source, old and new sha256 and entry counts), a reload that shrinks a list too much
 * waits for a second principal, and the versions in force are kept in the store so a restart notices
 * a file that changed while the service was down.
 */

type ListSide = { readonly sha256: string; readonly entryCount: number } | null;

export interface AppliedReload {
  readonly sourceId: string;
  readonly before: ListSide;
  readonly after: { readonly sha256: string; readonly entryCount: number };
  readonly unchanged: boolean;
  /** What the load left out, by kind (docs/screening.md "Load warnings"); absent when nothing. */
  readonly warnings?: ListLoadWarnings;
}

export interface PendingReload {
  readonly reloadId: string;
  readonly sourceId: string;
  readonly before: ListSide;
  readonly after: { readonly sha256: string; readonly entryCount: number };
  readonly maxShrinkFraction: number;
}

export interface ReloadOutcome {
  readonly applied: readonly AppliedReload[];
  readonly pending: readonly PendingReload[];
  /** The delta re-screening job queued with the applied versions (null: no list gained or changed an entry). */
  readonly rescreen: QueuedRescreen | null;
}

/** A failure, plus what only the server log may see (a list file's own words can quote any file). */
export type ListFailure = AppFailure & { readonly serverDetail?: string };

type Deps = Pick<ServiceContext, 'store' | 'clock' | 'ids'> & {
  readonly log?: ServiceContext['log'];
  /** Counts a failed list-load worker (off-thread-list-load.ts); omitted: it is only logged. */
  readonly metrics?: ServiceContext['metrics'];
};
/** What reloads need: the store, the screening service and the configured sources. */
export type ListDeps = Deps & Pick<ServiceContext, 'screening' | 'listSources'> & { readonly orgs?: ServiceContext['orgs'] };

const sideOf = (v: { readonly sha256: string; readonly entryCount: number } | undefined | null): ListSide =>
  v ? { sha256: v.sha256, entryCount: v.entryCount } : null;
const subject = (sourceId: string) => `screening-list:${sourceId}`;

function inForceRecord(list: LoadedList, at: string, by: string): ListVersionRecord {
  return { sourceId: list.version.listId, sha256: list.version.sha256, entryCount: list.version.entryCount, loadedAt: at, loadedBy: by };
}

/**
 * docs/screening.md "Load warnings": one line per load of a list that left values out (an IMO number failing its
 * check digit, an MMSI of the wrong length…), with the counts by kind. Never a reason to refuse the list.
 */
export function logLoadWarnings(deps: { readonly log?: ServiceContext['log'] }, list: LoadedList): void {
  const warnings = list.version.warnings;
  if (!warnings) return;
  const total = Object.values(warnings).reduce((a, b) => a + b, 0);
  deps.log?.warn(
    { source: list.version.listId, total, warnings },
    'screening list loaded with warnings: values it cannot use were left out',
  );
}

/** LIST_SOURCE_UNREADABLE naming the sources only: never the file's name or words in the answer (the log has them). */
function unreadableFailure(sourceIds: readonly string[], e: ListLoadError): ListFailure {
  const named = sourceIds.join(', ');
  const message = `list source ${named} could not be loaded; the previous version stays in force (details in the server log)`;
  return {
    code: 'LIST_SOURCE_UNREADABLE',
    message,
    details: [{ path: '/sources', message: `source ${named} could not be loaded` }],
    serverDetail: e.message,
  };
}

/**
 * Loads configured sources on a worker thread with the index the service needs once they are added (docs/screening.md
 * "Loading lists off the event loop"); a source that cannot be loaded is LIST_SOURCE_UNREADABLE (its detail for the log only).
 */
export async function loadSourcesOrFail(deps: ListDeps, sources: readonly ListSource[]): Promise<Result<PreparedLists, ListFailure>> {
  const loaded = await loadSourcesOffThread(deps, deps.screening!, sources);
  if (!loaded.ok) return { ok: false, error: unreadableFailure(failedSourceIds(loaded.error, sources), loaded.error) };
  for (const list of loaded.value.lists) logLoadWarnings(deps, list);
  return loaded;
}

async function recordPending(
  tx: UnitOfWork,
  record: PendingReloadRecord,
  roles: readonly string[] | null,
  maxShrinkFraction: number,
): Promise<void> {
  await tx.screeningLists.addPending(record);
  await appendAudit(tx, {
    kind: 'org_change',
    subject: subject(record.sourceId),
    actor: record.requestedBy,
    at: record.requestedAt,
    payload: {
      action: 'screening_list.reload_requested',
      reloadId: record.id,
      source: record.sourceId,
      roles,
      reason: record.newEntryCount === 0 ? 'empty' : 'shrink',
      maxShrinkFraction,
      before: record.oldSha256 === null ? null : { sha256: record.oldSha256, entryCount: record.oldEntryCount },
      after: { sha256: record.newSha256, entryCount: record.newEntryCount },
    },
  });
}

async function recordApplied(
  tx: UnitOfWork,
  list: LoadedList,
  before: ListSide,
  by: string,
  roles: readonly string[] | null,
  at: string,
  action: string,
): Promise<void> {
  await tx.screeningLists.setInForce(inForceRecord(list, at, by));
  await tx.screeningLists.supersede(list.version.listId, by, at);
  await appendAudit(tx, {
    kind: 'org_change',
    subject: subject(list.version.listId),
    actor: by,
    at,
    payload: {
      action,
      source: list.version.listId,
      roles,
      before,
      after: { sha256: list.version.sha256, entryCount: list.version.entryCount },
      unchanged: before?.sha256 === list.version.sha256,
    },
  });
}

/** What changed from `previous` (undefined: no parsed previous version at hand, so every entry counts as added). */
function versionedDelta(previous: LoadedList | undefined, list: LoadedList): VersionedDelta {
  return { delta: listDelta(previous, list), beforeSha256: previous?.version.sha256 ?? null, afterSha256: list.version.sha256 };
}

/** The delta re-screening job of the versions put in force in `tx` (docs/screening.md "Re-screen jobs"). */
function queueJob(
  tx: UnitOfWork,
  deps: Deps,
  trigger: RescreenJobTrigger,
  by: string,
  roles: readonly string[] | null,
  deltas: readonly VersionedDelta[],
  at: string,
): Promise<QueuedRescreen | null> {
  return queueRescreenJob(tx, {
    id: deps.ids.next('rsj'),
    trigger,
    requestedBy: by,
    roles: roles ?? [],
    lists: rescreenJobLists(deltas),
    createdAt: at,
  });
}

/**
 * Reloads configured sources by id (all of them when none is named). Unknown ids → 422 before any
 * file is read. Each source is applied, or held as a pending reload when it shrinks too much.
 */
export async function reloadListSources(
  ctx: ListDeps,
  principal: Principal,
  sourceIds: readonly string[] | undefined,
): Promise<Result<ReloadOutcome, ListFailure>> {
  const catalogue = ctx.listSources;
  if (!catalogue || !ctx.screening) return failure('CONFLICT', 'no screening list sources are configured (<config>/screening/lists.yaml)');
  const ids = sourceIds ?? catalogue.ids;
  const unknown = ids.flatMap((id, i) =>
    catalogue.get(id) ? [] : [{ path: `/sources/${i}`, message: `unknown list source; configured sources: ${catalogue.ids.join(', ')}` }],
  );
  if (unknown.length > 0) return failure('LIST_SOURCE_UNKNOWN', 'name configured list sources by id; paths are not accepted', unknown);
  // All read first, on one worker (one index for all of them): one failure applies none.
  const loaded = await loadSourcesOrFail(
    ctx,
    [...new Set(ids)].map((id) => catalogue.get(id)!),
  );
  if (!loaded.ok) return loaded;
  return ok(await applyLoadedLists(ctx, { userId: principal.userId, roles: principal.roles, trigger: 'reload' }, loaded.value));
}

/** Who reloads: a principal through the API, or `system` (roles null) on a schedule (docs/screening.md "Scheduled reloads"). */
export interface Reloader {
  readonly userId: string;
  readonly roles: readonly string[] | null;
  readonly trigger: Extract<RescreenJobTrigger, 'reload' | 'schedule'>;
}

/**
 * Puts lists already loaded from their configured sources in force, exactly as a reload does: each is applied (audited,
 * recorded in force, its delta queued for re-screening) or, when it shrinks too much, held as a pending reload. The
 * index loaded with them is used when every one of them is applied (the swap builds one when it does not fit).
 */
export async function applyLoadedLists(ctx: ListDeps, by: Reloader, prepared: PreparedLists): Promise<ReloadOutcome> {
  const loaded = prepared.lists;
  const catalogue = ctx.listSources!;
  const screening = ctx.screening!;
  const inForce = new Map((await ctx.store.screeningLists.inForce()).map((r) => [r.sourceId, r]));
  const at = toIso(ctx.clock.now());
  const applied: AppliedReload[] = [];
  const pending: PendingReload[] = [];
  const toApply: { list: LoadedList; before: ListSide }[] = [];
  for (const list of loaded) {
    const id = list.version.listId;
    const before = sideOf(screening.version(id) ?? inForce.get(id));
    const after = { sha256: list.version.sha256, entryCount: list.version.entryCount };
    if (before?.sha256 !== after.sha256 && shrinksTooMuch(before?.entryCount ?? null, after.entryCount, catalogue.maxShrinkFraction)) {
      const record: PendingReloadRecord = {
        id: ctx.ids.next('lrl'),
        sourceId: id,
        status: 'pending',
        requestedBy: by.userId,
        requestedAt: at,
        oldSha256: before?.sha256 ?? null,
        oldEntryCount: before?.entryCount ?? null,
        newSha256: after.sha256,
        newEntryCount: after.entryCount,
        decidedBy: null,
        decidedAt: null,
      };
      await ctx.store.transaction((tx) => recordPending(tx, record, by.roles, catalogue.maxShrinkFraction));
      pending.push({ reloadId: record.id, sourceId: id, before, after, maxShrinkFraction: catalogue.maxShrinkFraction });
      continue;
    }
    toApply.push({ list, before });
    const warnings = list.version.warnings ? { warnings: list.version.warnings } : {};
    applied.push({ sourceId: id, before, after, unchanged: before?.sha256 === after.sha256, ...warnings });
  }
  // The delta against the version this service screens with (the one in force here), before it is replaced.
  const deltas = toApply.map(({ list }) => versionedDelta(screening.loaded(list.version.listId), list));
  const rescreen = await ctx.store.transaction(async (tx) => {
    for (const { list, before } of toApply) await recordApplied(tx, list, before, by.userId, by.roles, at, 'screening_list.reloaded');
    return queueJob(tx, ctx, by.trigger, by.userId, by.roles, deltas, at);
  });
  // one new name index for all of them: the one built with the load when all are applied
  const index = toApply.length === loaded.length ? prepared.index : undefined;
  screening.apply({ add: toApply.map((a) => a.list), ...(index ? { index } : {}) });
  return { applied, pending, rescreen };
}

/** A second principal applies a pending reload, if the file on disk is still the one that was requested. */
export async function approveListReload(
  ctx: ListDeps,
  principal: Principal,
  reloadId: string,
): Promise<Result<AppliedReload & { readonly rescreen: QueuedRescreen | null }, ListFailure>> {
  const catalogue = ctx.listSources;
  const screening = ctx.screening;
  if (!catalogue || !screening) return failure('CONFLICT', 'no screening list sources are configured (<config>/screening/lists.yaml)');
  const record = await ctx.store.screeningLists.getPending(reloadId);
  if (!record) return failure('NOT_FOUND', `no list reload ${reloadId}`);
  if (record.status !== 'pending') return failure('CONFLICT', `list reload ${reloadId} is ${record.status}`);
  // Four-eyes by person, with the same segregation rule as reviews (docs/access.md).
  const independent = await ctx.store.transaction((tx) => checkIndependentApprover(tx, ctx, principal, record.requestedBy));
  if (!independent.ok) return independent;
  const source = catalogue.get(record.sourceId);
  if (!source) return failure('CONFLICT', `list source ${record.sourceId} is no longer configured`);
  const l = await loadSourcesOrFail(ctx, [source]);
  if (!l.ok) return l;
  const list = l.value.lists[0]!;
  if (list.version.sha256 !== record.newSha256)
    return failure('CONFLICT', `list source ${record.sourceId} changed since reload ${reloadId} was requested; request a new reload`);
  const at = toIso(ctx.clock.now());
  const before: ListSide = record.oldSha256 === null ? null : { sha256: record.oldSha256, entryCount: record.oldEntryCount ?? 0 };
  // A source withheld at start has no version here: its delta is every entry of the approved file.
  const delta = versionedDelta(screening.loaded(record.sourceId), list);
  const decided = await ctx.store.transaction(async (tx) => {
    if (!(await tx.screeningLists.decide(reloadId, 'approved', principal.userId, at))) return undefined;
    await tx.screeningLists.setInForce(inForceRecord(list, at, principal.userId));
    await appendAudit(tx, {
      kind: 'org_change',
      subject: subject(record.sourceId),
      actor: principal.userId,
      at,
      payload: {
        action: 'screening_list.reload_approved',
        reloadId,
        source: record.sourceId,
        roles: principal.roles,
        requestedBy: record.requestedBy,
        before,
        after: { sha256: list.version.sha256, entryCount: list.version.entryCount },
      },
    });
    return { rescreen: await queueJob(tx, ctx, 'approval', principal.userId, principal.roles, [delta], at) };
  });
  if (!decided) return failure('CONFLICT', `list reload ${reloadId} was decided concurrently`);
  screening.apply({ add: [list], ...(l.value.index ? { index: l.value.index } : {}) });
  return ok({
    rescreen: decided.rescreen,
    sourceId: record.sourceId,
    before,
    after: { sha256: list.version.sha256, entryCount: list.version.entryCount },
    unchanged: false,
    ...(list.version.warnings ? { warnings: list.version.warnings } : {}),
  });
}

export interface StartedSources {
  readonly loaded: readonly string[];
  /** What each list's load left out, by kind, for the lists that have warnings (docs/screening.md "Load warnings"). */
  readonly warnings: Readonly<Record<string, ListLoadWarnings>>;
  /** Sources whose file changed while the service was down and shrank too much: not screened against until approved. */
  readonly withheld: readonly PendingReload[];
  /** The delta re-screening job of the sources that changed (or are new) since the last start, if any. */
  readonly rescreen: QueuedRescreen | null;
}

/** The lists as parsed by the last run (the start-up snapshot's), by source id: the versions a changed file replaces. */
export type PreviousLists = () => ReadonlyMap<string, LoadedList>;

/**
 * At start: load every configured source and compare it with the version in force in the store.
 * New source → recorded; same hash → nothing to record; changed → applied and audited as a reload
 * by `system`, unless it shrank too much: then the old data is gone (the file was replaced), so the
 * source is withheld — leads are `not_screened` until a principal approves the pending reload.
 * A source that cannot be loaded stops the start (ListLoadError), as before.
 *
 * The sources applied changed (or new) queue one delta re-screening job (by `system`, in the transaction that records
 * them in force) when the store holds leads: the delta against the previous version as the start-up snapshot kept it
 * (`previous`, read before the snapshot is written again, and only if it is the version that was in force), else every
 * entry of the list.
 */
export async function startListSources(
  deps: Deps,
  screening: ScreeningService,
  catalogue: ListSourceCatalogue,
  preloaded?: readonly LoadedList[],
  /** The start-up snapshot's index over `preloaded` (used when every one of them is in force, in that order). */
  prebuiltIndex?: NameIndex,
  previous?: PreviousLists,
): Promise<StartedSources> {
  await adoptNameKeyScheme(deps.store, toIso(deps.clock.now()));
  const inForce = new Map((await deps.store.screeningLists.inForce()).map((r) => [r.sourceId, r]));
  const pendingBySource = new Map((await deps.store.screeningLists.listPending()).map((p) => [p.sourceId, p]));
  const lists = preloaded ?? catalogue.sources.map((s) => loadListSource(s, () => new Date(deps.clock.now())));
  for (const list of lists) logLoadWarnings(deps, list);
  const at = toIso(deps.clock.now());
  const loaded: string[] = [];
  const withheld: PendingReload[] = [];
  const inForceNow: LoadedList[] = [];
  const withholdNow: WithheldSource[] = [];
  const changed: { list: LoadedList; stored: ListVersionRecord | undefined }[] = [];
  for (const list of lists) {
    const id = list.version.listId;
    const stored = inForce.get(id);
    const before = sideOf(stored);
    const after = { sha256: list.version.sha256, entryCount: list.version.entryCount };
    if (stored?.sha256 === after.sha256) {
      inForceNow.push(list);
      loaded.push(id);
      continue;
    }
    if (shrinksTooMuch(before?.entryCount ?? null, after.entryCount, catalogue.maxShrinkFraction)) {
      // The same change already waits for approval (an earlier restart): do not stack requests.
      const waiting = pendingBySource.get(id);
      let reloadId = waiting?.newSha256 === after.sha256 ? waiting.id : undefined;
      if (!reloadId) {
        const record: PendingReloadRecord = {
          id: deps.ids.next('lrl'),
          sourceId: id,
          status: 'pending',
          requestedBy: 'system',
          requestedAt: at,
          oldSha256: stored?.sha256 ?? null,
          oldEntryCount: stored?.entryCount ?? null,
          newSha256: after.sha256,
          newEntryCount: after.entryCount,
          decidedBy: null,
          decidedAt: null,
        };
        await deps.store.transaction((tx) => recordPending(tx, record, null, catalogue.maxShrinkFraction));
        reloadId = record.id;
      }
      withholdNow.push({ sourceId: id, reason: 'pending_approval', pendingReloadId: reloadId });
      withheld.push({ reloadId, sourceId: id, before, after, maxShrinkFraction: catalogue.maxShrinkFraction });
      continue;
    }
    changed.push({ list, stored });
    inForceNow.push(list);
    loaded.push(id);
  }
  const rescreen = await applyAtStart(deps, changed, previous, at);
  screening.apply({ add: inForceNow, withhold: withholdNow, ...(prebuiltIndex ? { index: prebuiltIndex } : {}) });
  const warnings = Object.fromEntries(lists.flatMap((l) => (l.version.warnings ? [[l.version.listId, l.version.warnings]] : [])));
  return { loaded, withheld, warnings, rescreen };
}

/** Records the changed and new sources in force (by `system`) and queues their delta re-screening, in one transaction. */
async function applyAtStart(
  deps: Deps,
  changed: readonly { list: LoadedList; stored: ListVersionRecord | undefined }[],
  previous: PreviousLists | undefined,
  at: string,
): Promise<QueuedRescreen | null> {
  if (changed.length === 0) return null;
  // Nothing stored, nothing to re-screen (a first start): no job.
  const anyLead = (await deps.store.leads.page({ limit: 1 })).length > 0;
  const parsed = anyLead && changed.some((c) => c.stored) ? (previous?.() ?? new Map<string, LoadedList>()) : new Map<string, LoadedList>();
  const deltas = changed.map(({ list, stored }) => {
    const before = parsed.get(list.version.listId);
    // Only the version that was in force is a base for the delta; any other (an older snapshot) would miss entries.
    return versionedDelta(before && stored && before.version.sha256 === stored.sha256 ? before : undefined, list);
  });
  return deps.store.transaction(async (tx) => {
    for (const { list, stored } of changed)
      await recordApplied(tx, list, sideOf(stored), 'system', null, at, stored ? 'screening_list.reloaded' : 'screening_list.loaded');
    return anyLead ? queueJob(tx, deps, 'start', 'system', null, deltas, at) : null;
  });
}
