/**
 * Storage port for screening list versions (docs/screening.md; migration 0008): which version of each
 * configured list source is in force, and reloads that shrank a list too much and wait for a
 * second principal's approval. Instants are ISO-8601 UTC strings.
 */

/** The version of one list source in force: what every instance should be screening with. */
export interface ListVersionRecord {
  readonly sourceId: string;
  /** sha256 (hex) over the source's file bytes. */
  readonly sha256: string;
  readonly entryCount: number;
  readonly loadedAt: string;
  /** The API key id that applied it (or approved it), or `system` at start-up. */
  readonly loadedBy: string;
}

export type PendingReloadStatus = 'pending' | 'approved' | 'superseded';

/** A reload held back by the shrink guard. */
export interface PendingReloadRecord {
  readonly id: string;
  readonly sourceId: string;
  readonly status: PendingReloadStatus;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly oldSha256: string | null;
  readonly oldEntryCount: number | null;
  readonly newSha256: string;
  readonly newEntryCount: number;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

export interface ScreeningListRepository {
  /** Every source's version in force, ordered by source id. */
  inForce(): Promise<readonly ListVersionRecord[]>;
  /** Inserts or replaces the version in force of `record.sourceId`. */
  setInForce(record: ListVersionRecord): Promise<void>;
  /** Records a pending reload; earlier pending reloads of the same source become `superseded`. */
  addPending(record: PendingReloadRecord): Promise<void>;
  getPending(id: string): Promise<PendingReloadRecord | undefined>;
  /** Pending reloads (status `pending`), oldest first. */
  listPending(): Promise<readonly PendingReloadRecord[]>;
  /**
   * Moves a `pending` reload to `status`; returns false when it was no longer pending (a concurrent
   * approval won). Applying a version also supersedes the source's other pending reloads.
   */
  decide(id: string, status: Exclude<PendingReloadStatus, 'pending'>, by: string, at: string): Promise<boolean>;
  /** Marks every pending reload of the source `superseded` (a newer version was applied). */
  supersede(sourceId: string, by: string, at: string): Promise<number>;
  /**
   * Claims the scheduled check of a source due at `at` (migration 0040): true when this caller won it (no check was
   * recorded, or the recorded one is due by `at`); the next one is then due at `nextAt`. A compare-and-set on the due
   * time: of several instances claiming at once exactly one wins a period.
   */
  claimScheduledCheck(sourceId: string, by: string, at: string, nextAt: string): Promise<boolean>;
}
