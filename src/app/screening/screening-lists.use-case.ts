import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { ListLoadError } from '../../screening/list-error.ts';
import { loadListSource, shrinksTooMuch, type ListSource, type ListSourceCatalogue } from '../../screening/list-sources.ts';
import type { LoadedList } from '../../screening/screening-entity.ts';
import type { ListLoadWarnings } from '../../screening/list-warnings.ts';
import type { NameIndex } from '../../screening/name-index.ts';
import { listDelta, type ListDelta } from '../../screening/list-delta.ts';
import type { ScreeningService, WithheldSource } from '../../screening/screening-service.ts';
import type { ListVersionRecord, PendingReloadRecord } from '../../store/ports/screening-lists.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { checkIndependentApprover } from '../access/segregation.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { adoptNameKeyScheme } from './screening-name-keys.ts';

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
  /** Added and changed entries of each applied list, for delta re-screening (not sent in answers: entries are list data). */
  readonly deltas: readonly ListDelta[];
}

/** A failure, plus what only the server log may see (a list file's own words can quote any file). */
export type ListFailure = AppFailure & { readonly serverDetail?: string };

type Deps = Pick<ServiceContext, 'store' | 'clock' | 'ids'> & { readonly log?: ServiceContext['log'] };
/** What reloads need: the store, the screening service and the configured sources. */
type ListDeps = Deps & Pick<ServiceContext, 'screening' | 'listSources'> & { readonly orgs?: ServiceContext['orgs'] };

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
function logLoadWarnings(deps: Deps, list: LoadedList): void {
  const warnings = list.version.warnings;
  if (!warnings) return;
  const total = Object.values(warnings).reduce((a, b) => a + b, 0);
  deps.log?.warn(
    { source: list.version.listId, total, warnings },
    'screening list loaded with warnings: values it cannot use were left out',
  );
}

function loadOrFail(source: ListSource, deps: Deps): Result<LoadedList, ListFailure> {
  try {
    const list = loadListSource(source, () => new Date(deps.clock.now()));
    logLoadWarnings(deps, list);
    return ok(list);
  } catch (e) {
    if (!(e instanceof ListLoadError)) throw e;
    // Never the file's name or words in the answer: the detail goes to the server log only.
    const message = `list source ${source.id} could not be loaded; the previous version stays in force (details in the server log)`;
    return {
      ok: false,
      error: {
        code: 'LIST_SOURCE_UNREADABLE',
        message,
        details: [{ path: '/sources', message: `source ${source.id} could not be loaded` }],
        serverDetail: e.message,
      },
    };
  }
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
  const screening = ctx.screening;
  if (!catalogue || !screening) return failure('CONFLICT', 'no screening list sources are configured (<config>/screening/lists.yaml)');
  const ids = sourceIds ?? catalogue.ids;
  const unknown = ids.flatMap((id, i) =>
    catalogue.get(id) ? [] : [{ path: `/sources/${i}`, message: `unknown list source; configured sources: ${catalogue.ids.join(', ')}` }],
  );
  if (unknown.length > 0) return failure('LIST_SOURCE_UNKNOWN', 'name configured list sources by id; paths are not accepted', unknown);
  const loaded: LoadedList[] = [];
  for (const id of new Set(ids)) {
    const l = loadOrFail(catalogue.get(id)!, ctx);
    if (!l.ok) return l;
    loaded.push(l.value);
  }
  const inForce = new Map((await ctx.store.screeningLists.inForce()).map((r) => [r.sourceId, r]));
  const at = toIso(ctx.clock.now());
  const applied: AppliedReload[] = [];
  const pending: PendingReload[] = [];
  const toApply: LoadedList[] = [];
  for (const list of loaded) {
    const id = list.version.listId;
    const before = sideOf(screening.version(id) ?? inForce.get(id));
    const after = { sha256: list.version.sha256, entryCount: list.version.entryCount };
    if (before?.sha256 !== after.sha256 && shrinksTooMuch(before?.entryCount ?? null, after.entryCount, catalogue.maxShrinkFraction)) {
      const record: PendingReloadRecord = {
        id: ctx.ids.next('lrl'),
        sourceId: id,
        status: 'pending',
        requestedBy: principal.userId,
        requestedAt: at,
        oldSha256: before?.sha256 ?? null,
        oldEntryCount: before?.entryCount ?? null,
        newSha256: after.sha256,
        newEntryCount: after.entryCount,
        decidedBy: null,
        decidedAt: null,
      };
      await ctx.store.transaction((tx) => recordPending(tx, record, principal.roles, catalogue.maxShrinkFraction));
      pending.push({ reloadId: record.id, sourceId: id, before, after, maxShrinkFraction: catalogue.maxShrinkFraction });
      continue;
    }
    await ctx.store.transaction((tx) => recordApplied(tx, list, before, principal.userId, principal.roles, at, 'screening_list.reloaded'));
    toApply.push(list);
    const warnings = list.version.warnings ? { warnings: list.version.warnings } : {};
    applied.push({ sourceId: id, before, after, unchanged: before?.sha256 === after.sha256, ...warnings });
  }
  const deltas = toApply.map((l) => listDelta(screening.loaded(l.version.listId), l));
  screening.apply({ add: toApply }); // one new name index for all of them
  return ok({ applied, pending, deltas });
}

/** A second principal applies a pending reload, if the file on disk is still the one that was requested. */
export async function approveListReload(
  ctx: ListDeps,
  principal: Principal,
  reloadId: string,
): Promise<Result<AppliedReload & { readonly delta: ListDelta }, ListFailure>> {
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
  const l = loadOrFail(source, ctx);
  if (!l.ok) return l;
  const list = l.value;
  if (list.version.sha256 !== record.newSha256)
    return failure('CONFLICT', `list source ${record.sourceId} changed since reload ${reloadId} was requested; request a new reload`);
  const at = toIso(ctx.clock.now());
  const before: ListSide = record.oldSha256 === null ? null : { sha256: record.oldSha256, entryCount: record.oldEntryCount ?? 0 };
  const decided = await ctx.store.transaction(async (tx) => {
    if (!(await tx.screeningLists.decide(reloadId, 'approved', principal.userId, at))) return false;
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
    return true;
  });
  if (!decided) return failure('CONFLICT', `list reload ${reloadId} was decided concurrently`);
  const delta = listDelta(screening.loaded(record.sourceId), list);
  screening.add(list);
  return ok({
    delta,
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
}

/**
 * At start: load every configured source and compare it with the version in force in the store.
 * New source → recorded; same hash → nothing to record; changed → applied and audited as a reload
 * by `system`, unless it shrank too much: then the old data is gone (the file was replaced), so the
 * source is withheld — leads are `not_screened` until a principal approves the pending reload.
 * A source that cannot be loaded stops the start (ListLoadError), as before.
 */
export async function startListSources(
  deps: Deps,
  screening: ScreeningService,
  catalogue: ListSourceCatalogue,
  preloaded?: readonly LoadedList[],
  /** The start-up snapshot's index over `preloaded` (used when every one of them is in force, in that order). */
  prebuiltIndex?: NameIndex,
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
    await deps.store.transaction((tx) =>
      recordApplied(tx, list, before, 'system', null, at, stored ? 'screening_list.reloaded' : 'screening_list.loaded'),
    );
    inForceNow.push(list);
    loaded.push(id);
  }
  screening.apply({ add: inForceNow, withhold: withholdNow, ...(prebuiltIndex ? { index: prebuiltIndex } : {}) });
  const warnings = Object.fromEntries(lists.flatMap((l) => (l.version.warnings ? [[l.version.listId, l.version.warnings]] : [])));
  return { loaded, withheld, warnings };
}
