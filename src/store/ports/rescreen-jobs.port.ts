/**
 * Storage port for delta re-screening jobs (migration 0038; docs/screening.md "Re-screen jobs"). A job is claimed with
 * a compare-and-set on its status and attempts, so with several instances each job runs on one of them at a time, and
 * a job whose runner died is claimed again once its lease ran out. Progress is written by the holder only (a runner
 * whose job was taken over writes nothing). Instants are ISO-8601 UTC.
 */

/**
 * What queued the job: a reload through the API, the approval of a held-back reload, a start with a changed file, or a
 * scheduled check that found a changed file (docs/screening.md "Scheduled reloads"); or `coverage`: an instance screens
 * with every list in force again and leads held as not screened wait to be screened again (coverage-release.ts; such a
 * job has no lists nor entries, its report is a CoverageReleaseReport).
 */
export type RescreenJobTrigger = 'reload' | 'approval' | 'start' | 'schedule' | 'coverage';

export type RescreenJobStatus = 'queued' | 'running' | 'done' | 'failed';

/** One list's part of the job: the versions it goes between and the delta's entry ids (added and changed). */
export interface RescreenJobList {
  readonly listId: string;
  /** The version in force before the change (null: the list was new, or its previous parsed entries were not at hand). */
  readonly beforeSha256: string | null;
  readonly afterSha256: string;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  /** Entry ids of the added and changed entries, in list order. */
  readonly entryIds: readonly string[];
}

export interface RescreenJobRecord {
  readonly id: string;
  readonly trigger: RescreenJobTrigger;
  /** The person whose reload or approval queued it (principal.userId), or `system` at start. */
  readonly requestedBy: string;
  /** Their acting roles then (empty for `system`). */
  readonly roles: readonly string[];
  readonly lists: readonly RescreenJobList[];
  /** Entry ids over all lists, and how many of them were screened (chunks recorded). */
  readonly entries: number;
  readonly entriesDone: number;
  /** The report so far (the final one once done), as JSON text: DeltaRescreenReport. */
  readonly reportJson: string | null;
  readonly status: RescreenJobStatus;
  /** How many times it was claimed. */
  readonly attempts: number;
  readonly claimedBy: string | null;
  readonly leaseUntil: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

/**
 * A lead a delta job held (migration 0047), recorded in the transaction that held it: the job's report is completed
 * from these, so a lead held in a chunk whose runner died before recording it is still reported (docs/screening.md
 * "A runner that dies").
 */
export interface RescreenJobHold {
  readonly leadId: string;
  /** The job's hits that held it (`list/entry`, as in the report's newMatches). */
  readonly hits: readonly string[];
  readonly heldAt: string;
}

/**
 * What a `coverage` job did to one lead it screened again (migration 0048), recorded in the transaction that changed
 * the lead: its report counts these, so a lead released by a runner that died before recording its page is still
 * counted, once (docs/screening.md "Screening again once coverage is back").
 */
export type CoverageOutcome = 'released' | 'held_as_match' | 'unchanged';

export type NewRescreenJob = Pick<RescreenJobRecord, 'id' | 'trigger' | 'requestedBy' | 'roles' | 'lists' | 'createdAt'>;

export interface RescreenJobRepository {
  enqueue(job: NewRescreenJob): Promise<void>;
  /**
   * Claims the oldest job that is queued, or running with a lease that ran out before `now` (its runner died), among
   * those `eligible` accepts (a runner takes only jobs whose lists it holds in the versions in force):
   * compare-and-set on (status, attempts), so of two runners claiming at once exactly one wins. undefined: none.
   */
  claimNext(
    worker: string,
    now: string,
    leaseUntil: string,
    eligible: (job: RescreenJobRecord) => boolean | Promise<boolean>,
  ): Promise<RescreenJobRecord | undefined>;
  /** Extends the lease while the job runs; false when another runner has claimed it since. */
  renew(id: string, worker: string, leaseUntil: string): Promise<boolean>;
  /** Records a finished chunk (entries screened so far and the report so far) and extends the lease; false when not held. */
  progress(id: string, worker: string, progress: { entriesDone: number; reportJson: string; leaseUntil: string }): Promise<boolean>;
  /** Ends a job this runner holds; false when it no longer holds it. */
  finish(
    id: string,
    worker: string,
    outcome: { status: 'done' | 'failed'; at: string; reportJson?: string | null; error?: string | null },
  ): Promise<boolean>;
  /**
   * Records that this job held this lead, in the caller's transaction (the one that holds the lead, under its row
   * lock). The same job holding the lead again (a new entry after compliance disposed the earlier hits) adds its hits
   * to the row; the first instant is kept.
   */
  recordHold(jobId: string, hold: RescreenJobHold): Promise<void>;
  /** The leads this job held, in the order it held them (held_at, then lead id). */
  holds(jobId: string): Promise<readonly RescreenJobHold[]>;
  /** Whether this job's hold of this lead is recorded (a point read; visible as soon as the hold's transaction is). */
  heldByJob(jobId: string, leadId: string): Promise<boolean>;
  /**
   * Records what a `coverage` job did to a lead, in the caller's transaction (the one that changed the lead, under its
   * row lock). The same job screening the lead again (a page read again after its runner died) replaces the outcome:
   * one row per (job, lead).
   */
  recordCoverageOutcome(jobId: string, outcome: { leadId: string; outcome: CoverageOutcome; at: string }): Promise<void>;
  /** How many leads this `coverage` job left with each outcome (absent: none). */
  coverageOutcomes(jobId: string): Promise<Partial<Record<CoverageOutcome, number>>>;
  /**
   * Deletes (dry run: counts) the jobs that finished (done, failed) before `before`, with their hold and coverage-outcome
   * records, except a job one of whose recorded leads is HELD now (awaiting review: the reviewer reads why). Queued and
   * running jobs are never touched. Returns the number of jobs.
   */
  pruneFinished(before: string, opts: { readonly dryRun: boolean }): Promise<number>;
  get(id: string): Promise<RescreenJobRecord | undefined>;
  /** The newest jobs first (created_at, id descending), `limit` of them, before the (createdAt, id) cursor if given. */
  list(opts: { limit: number; before?: { createdAt: string; id: string } | undefined }): Promise<readonly RescreenJobRecord[]>;
}
