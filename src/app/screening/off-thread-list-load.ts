import { ok, type Result } from '../../domain/shared/result.ts';
import { ListLoadError } from '../../screening/list-error.ts';
import { SourceLoadError, type PreparedLists } from '../../screening/list-load-thread.ts';
import type { ListSource } from '../../screening/list-sources.ts';
import type { ScreeningService } from '../../screening/screening-service.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * docs/screening.md "Loading lists off the event loop": reloads, scheduled checks and adoption load their sources on a
 * worker thread (list-load-thread.ts), with the index the service will need once they are added, so the event loop
 * keeps answering; the caller then swaps the result in with one synchronous `apply`. A worker that fails is a worker
 * failure (`list-load`: logged and counted) and otherwise an unreadable file, as on this thread.
 */

type LoadDeps = Pick<ServiceContext, 'clock'> & {
  readonly log?: ServiceContext['log'] | undefined;
  readonly metrics?: ServiceContext['metrics'] | undefined;
};

/** The sources loaded and indexed for adding to `screening`, or the ListLoadError that stopped them (nothing changed). */
export async function loadSourcesOffThread(
  deps: LoadDeps,
  screening: ScreeningService,
  sources: readonly ListSource[],
): Promise<Result<PreparedLists, ListLoadError>> {
  const layout = screening.layoutAdding(sources.map((s) => s.id));
  try {
    return ok(await screening.loads.load(sources, new Date(deps.clock.now()), layout));
  } catch (e) {
    if (!(e instanceof ListLoadError)) throw e;
    if (e instanceof SourceLoadError && e.worker) reportListLoadWorker(deps, e);
    return { ok: false, error: e };
  }
}

function reportListLoadWorker(deps: LoadDeps, e: SourceLoadError): void {
  const context = { sources: e.sourceIds };
  if (deps.log && deps.metrics) reportWorkerFailure({ log: deps.log, metrics: deps.metrics }, 'list-load', e, context);
  else deps.log?.error({ ...context, err: e }, 'list load worker failed');
}

/** The source ids a failed load names (all of `sources` when the error does not say). */
export function failedSourceIds(e: ListLoadError, sources: readonly ListSource[]): readonly string[] {
  return e instanceof SourceLoadError ? e.sourceIds : sources.map((s) => s.id);
}
