// Once-only background notification jobs (docs/notifications.md "Scheduled and edge-triggered events"), migration 0023.

export interface NotificationRunRecord {
  readonly job: string;
  /** The org-local calendar day (YYYY-MM-DD) the run is for. */
  readonly day: string;
  readonly takenAt: string;
  readonly takenBy: string;
  /** Events the run emitted. */
  readonly events: number;
}

export interface NotificationRunRepository {
  /**
   * Takes the run of `job` for `day` in the caller's transaction: true for the one transaction that inserts it, false
   * when it is taken already (an earlier pass, another instance). PostgreSQL: a concurrent insert of the same run
   * waits for the first to commit, then finds it taken; if the first rolls back, the second takes it.
   */
  takeRun(run: NotificationRunRecord): Promise<boolean>;
  getRun(job: string, day: string): Promise<NotificationRunRecord | undefined>;
  /** Raises a condition: true only when it was not raised already (the edge), false while it lasts. */
  raise(key: string, at: string): Promise<boolean>;
  /** Clears the raised conditions whose key starts with `prefix` and is not in `stillRaised`; returns how many. */
  clearExcept(prefix: string, stillRaised: readonly string[]): Promise<number>;
  /** Raised condition keys starting with `prefix`, sorted. */
  raised(prefix: string): Promise<readonly string[]>;
}
