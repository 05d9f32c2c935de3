import type { WorkerName } from '../observability/worker-failure.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import type { ServiceContext } from './service-context.ts';

/** How one attempt at a claimed job ended. */
export type JobAttemptOutcome = 'done' | 'failed' | 'retry';

/** A claimed job: its id and how many times it has been claimed, this attempt included. */
export interface ClaimedJob {
  readonly id: string;
  readonly attempts: number;
}

/** What a background worker does with a job it claimed (each step a store write under its own lease). */
export interface JobAttemptSteps<J extends ClaimedJob> {
  /** The worker whose failures are logged and counted. */
  readonly worker: WorkerName;
  /** Claims after which a failing job is marked failed instead of handed back. */
  readonly maxAttempts: number;
  /** Runs the job and records it done; throws when it did not finish (the lease was lost, the work failed). */
  complete(job: J): Promise<void>;
  /** Records the job failed for good, with the error. */
  giveUp(job: J, error: string): Promise<void>;
  /** Ends the lease now, so the next pass of any instance claims the job again. */
  handBack(job: J): Promise<void>;
  /** What the failure line carries besides the error (the job id, the attempt). */
  readonly failureContext?: (job: J) => Readonly<Record<string, unknown>>;
}

/**
 * One attempt at a claimed job, with the retry rule both durable job workers share (the reassignment worker, the
 * re-screen runner): a job claimed more than `maxAttempts` times is not run again; a failure is handed back for a
 * later pass until the last attempt, which records the job failed. Every failure is logged and counted under the
 * worker's name, so none is silent. Returns how the attempt ended.
 */
export async function attemptClaimedJob<J extends ClaimedJob>(
  ctx: Pick<ServiceContext, 'log' | 'metrics'>,
  job: J,
  steps: JobAttemptSteps<J>,
): Promise<JobAttemptOutcome> {
  try {
    if (job.attempts > steps.maxAttempts) throw new Error(`gave up after ${steps.maxAttempts} attempts`);
    await steps.complete(job);
    return 'done';
  } catch (e) {
    const outcome: JobAttemptOutcome = job.attempts >= steps.maxAttempts ? 'failed' : 'retry';
    try {
      if (outcome === 'failed') await steps.giveUp(job, e instanceof Error ? e.message : String(e));
      else await steps.handBack(job);
    } finally {
      reportWorkerFailure(ctx, steps.worker, e, steps.failureContext?.(job) ?? {});
    }
    return outcome;
  }
}
