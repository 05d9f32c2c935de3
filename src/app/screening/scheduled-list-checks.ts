import { toIso } from '../../domain/shared/zoned-time.ts';
import type { ListSource } from '../../screening/list-sources.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { applyLoadedLists, loadSourcesOrFail, type ListDeps } from './screening-lists.use-case.ts';
import type { ScheduledCheckLog, ScheduledCheckResult, ScheduledCheckStatus } from './scheduled-check-log.ts';

/**
 * docs/screening.md "Scheduled reloads": a source with `reloadEveryMinutes` has its file checked on that schedule and,
 * when it is not the version in force, reloaded through the same steps as `POST /v1/screening/lists:reload`
 * (applyLoadedLists), attributed to `system`: audited, recorded in force, its delta queued for re-screening, and a shrink
 * beyond the guard held for a second principal's approval. With several instances the check of a period is claimed in
 * the store (a compare-and-set on its due time), so exactly one instance checks; the others adopt what it put in force.
 */

type CheckDeps = ListDeps & Pick<ServiceContext, 'metrics' | 'log'>;

async function checkSource(deps: CheckDeps, source: ListSource): Promise<ScheduledCheckResult> {
  if (deps.screening?.withheldSources().some((w) => w.sourceId === source.id && w.reason === 'stale')) return 'stale_here';
  const loaded = await loadSourcesOrFail(deps, [source]);
  if (!loaded.ok) {
    reportWorkerFailure(deps, 'list-reload-schedule', loaded.error.serverDetail, { source: source.id, code: loaded.error.code });
    return 'failed';
  }
  const list = loaded.value.lists[0]!;
  const inForce = (await deps.store.screeningLists.inForce()).find((r) => r.sourceId === source.id);
  if (inForce?.sha256 === list.version.sha256) return 'unchanged';
  const waiting = (await deps.store.screeningLists.listPending()).some(
    (p) => p.sourceId === source.id && p.newSha256 === list.version.sha256,
  );
  if (waiting) return 'awaiting_approval';
  const outcome = await applyLoadedLists(deps, { userId: 'system', roles: null, trigger: 'schedule' }, loaded.value);
  return outcome.applied.length > 0 ? 'reloaded' : 'pending_approval';
}

/**
 * Runs the checks that are due and that this instance (`instance`) wins; returns what each found. A check that throws
 * (the store refused) is not recorded as done: the claim moved the due time, so the next period tries again.
 */
export async function runScheduledListChecks(deps: CheckDeps, instance: string, log: ScheduledCheckLog): Promise<ScheduledCheckStatus[]> {
  const done: ScheduledCheckStatus[] = [];
  for (const source of deps.listSources?.sources ?? []) {
    if (!source.reloadEveryMinutes) continue;
    const now = deps.clock.now();
    const at = toIso(now);
    if (!(await deps.store.screeningLists.claimScheduledCheck(source.id, instance, at, toIso(now + source.reloadEveryMinutes * 60_000))))
      continue;
    const result = await checkSource(deps, source);
    deps.metrics.screeningListSyncs.inc({ list: source.id, result: result === 'failed' ? 'check_failed' : result });
    if (result !== 'unchanged') deps.log.info({ source: source.id, result }, 'scheduled screening list check');
    done.push(log.record(source, at, result));
  }
  return done;
}
