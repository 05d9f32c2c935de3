import type { ListSource } from '../../screening/list-sources.ts';

/**
 * What the scheduled list checks on this instance found, by source (docs/screening.md "Scheduled reloads"): shown on
 * `/ready` (the failed ones) and `GET /v1/screening/lists`. Kept apart from the checks so the service context can hold it.
 */

/** What the last scheduled check of a source found. */
export type ScheduledCheckResult =
  /** The file is the version in force. */
  | 'unchanged'
  /** The file changed and was put in force. */
  | 'reloaded'
  /** The file changed and shrank beyond the guard: a pending reload waits for approval, nothing applied. */
  | 'pending_approval'
  /** The same changed file already waits for approval: no second request. */
  | 'awaiting_approval'
  /** This instance's list is stale (list-version-adoption.ts): its file is not reloaded over the version in force. */
  | 'stale_here'
  /** The file could not be loaded: the version in force stays (logged and counted as a worker failure). */
  | 'failed';

export interface ScheduledCheckStatus {
  readonly sourceId: string;
  readonly everyMinutes: number;
  readonly checkedAt: string;
  readonly result: ScheduledCheckResult;
  /** A failed check's error code (its detail is in the server log only: it may quote the file). */
  readonly code?: 'LIST_SOURCE_UNREADABLE';
  /** Failed checks in a row on this instance. */
  readonly failuresInARow: number;
}

/** The scheduled checks this instance ran, by source: shown on /ready and `GET /v1/screening/lists`. */
export class ScheduledCheckLog {
  readonly #last = new Map<string, ScheduledCheckStatus>();

  record(source: ListSource, checkedAt: string, result: ScheduledCheckResult): ScheduledCheckStatus {
    const previous = this.#last.get(source.id);
    const status: ScheduledCheckStatus = {
      sourceId: source.id,
      everyMinutes: source.reloadEveryMinutes ?? 0,
      checkedAt,
      result,
      ...(result === 'failed' ? { code: 'LIST_SOURCE_UNREADABLE' as const } : {}),
      failuresInARow: result === 'failed' ? (previous?.failuresInARow ?? 0) + 1 : 0,
    };
    this.#last.set(source.id, status);
    return status;
  }

  all(): readonly ScheduledCheckStatus[] {
    return [...this.#last.values()];
  }
}
