/**
 * Storage port for automatic reassignment jobs (migration 0017; docs/operations.md "Automatic reassignment").
 * A job is claimed with a compare-and-set (status and lease), so with several instances each job runs on one of them
 * at a time, and a job whose instance died is claimed again once its lease has run out. Instants are ISO-8601 UTC.
 */

/** `rep`: move a rep's open leads (all of them, or only `leadIds`); `org-check`: compare two versions and start `rep` jobs. */
export type ReassignmentJobKind = 'rep' | 'org-check';

/** What started the job. */
export type ReassignmentJobTrigger = 'paused' | 'left' | 'licence-loss' | 'publication' | 'lapse-sweep';

export type ReassignmentJobStatus = 'pending' | 'running' | 'finished' | 'failed';

export interface ReassignmentJobRecord {
  /** For a `rep` job, also the id of the reassignment operation it runs (`GET /v1/reassignments/{id}`). */
  readonly id: string;
  readonly kind: ReassignmentJobKind;
  readonly trigger: ReassignmentJobTrigger;
  readonly repId: string | null;
  /** null: every open lead of the rep; else only these (the leads the rep is no longer lawful for). */
  readonly leadIds: readonly string[] | null;
  readonly reason: string;
  /** The person whose change started it (principal.userId), or `system:<worker>` for the sweep. */
  readonly requestedBy: string;
  /** The org version that started it; `previousHash`: the one it replaced (org-check). */
  readonly orgHash: string;
  readonly previousHash: string | null;
  readonly status: ReassignmentJobStatus;
  /** How many times it was claimed. */
  readonly attempts: number;
  readonly claimedBy: string | null;
  readonly leaseUntil: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

export type NewReassignmentJob = Omit<ReassignmentJobRecord, 'status' | 'attempts' | 'claimedBy' | 'leaseUntil' | 'finishedAt' | 'error'>;

export interface ReassignmentJobRepository {
  enqueue(job: NewReassignmentJob): Promise<void>;
  /**
   * Claims the oldest job that is pending, or running with a lease that ran out before `now` (its instance died):
   * compare-and-set on (status, attempts), so of two instances claiming at once exactly one wins. undefined: none.
   */
  claimNext(worker: string, now: string, leaseUntil: string): Promise<ReassignmentJobRecord | undefined>;
  /** Extends the lease while the job runs; false when another instance has claimed it since. */
  renew(id: string, worker: string, leaseUntil: string): Promise<boolean>;
  /** Ends a job this worker holds; false when it no longer holds it. */
  finish(id: string, worker: string, outcome: { status: 'finished' | 'failed'; at: string; error?: string | null }): Promise<boolean>;
  get(id: string): Promise<ReassignmentJobRecord | undefined>;
  /**
   * A `rep` job for every open lead of this rep that is still pending or running, or was queued for this org version
   * (a new one would only repeat it).
   */
  allLeadsJob(repId: string, orgHash: string): Promise<ReassignmentJobRecord | undefined>;
  /** Jobs not yet finished or failed, oldest first. */
  open(): Promise<readonly ReassignmentJobRecord[]>;
}
