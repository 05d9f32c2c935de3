import { hostname } from 'node:os';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { ReassignmentJobRecord } from '../../store/ports/reassignment-jobs.port.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { attemptClaimedJob } from '../shared/job-attempt.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { runReassignmentJob } from './reassign.use-case.ts';
import { runOrgCheck } from './reassignment-jobs.ts';

export interface ReassignmentWorkerOptions {
  /** Recorded on each job it claims (claimed_by) and as the actor of what the sweep queues. Default host:pid. */
  readonly name?: string;
  /** How long a claim holds without a heartbeat before another instance may take the job over. Default 60 s. */
  readonly leaseMs?: number;
  /** How often the lapse sweep re-checks every open lead's holder (grants lapsing by date). Default 1 h. */
  readonly sweepIntervalMs?: number;
  /** Called for every job this worker ended (tests, logs). */
  readonly onJob?: (job: ReassignmentJobRecord, status: 'finished' | 'failed' | 'retry') => void;
}

/** A job that failed this many times is marked failed (its error kept) instead of being retried. */
export const MAX_JOB_ATTEMPTS = 5;

/**
 * Background worker of `remit serve` (docs/operations.md "Automatic reassignment"): each pass claims one job (a
 * compare-and-set, so with several instances a job runs on one) and runs it — a `rep` job re-decides the rep's open
 * leads through reassignment, an `org-check` looks for leads whose holder is no longer lawful and queues `rep` jobs.
 * The lease is renewed after every batch; a job whose instance died is claimed again when its lease runs out and
 * resumes where it stopped. Once per sweep interval the pass also checks every holder against the clock (a grant
 * whose validTo passed), as an org-check of the version in force.
 */
export class ReassignmentWorker {
  private readonly ctx: ServiceContext;
  readonly name: string;
  private readonly leaseMs: number;
  private readonly sweepIntervalMs: number;
  private readonly onJob: ReassignmentWorkerOptions['onJob'];
  private lastSweep = Number.NEGATIVE_INFINITY;
  private task: PeriodicTask | null = null;

  constructor(ctx: ServiceContext, options: ReassignmentWorkerOptions = {}) {
    this.ctx = ctx;
    this.name = options.name ?? `reassignment-worker ${hostname()}:${process.pid}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 3_600_000;
    this.onJob = options.onJob;
  }

  private leaseUntil(): string {
    return toIso(this.ctx.clock.now() + this.leaseMs);
  }

  /** Queues the lapse sweep when it is due (as a durable org-check job, so it shows and survives a restart). */
  async sweepIfDue(): Promise<boolean> {
    const now = this.ctx.clock.now();
    if (now - this.lastSweep < this.sweepIntervalMs) return false;
    this.lastSweep = now;
    await this.ctx.store.reassignmentJobs.enqueue({
      id: this.ctx.ids.next('rjc'),
      kind: 'org-check',
      trigger: 'lapse-sweep',
      repId: null,
      leadIds: null,
      reason: 'lapse sweep: grants and appointments that ended by date',
      requestedBy: `system:${this.name}`,
      orgHash: this.ctx.orgs.current.hash,
      previousHash: null,
      createdAt: toIso(now),
    });
    return true;
  }

  /** One job, if any can be claimed. Returns the job it ran (undefined: nothing to do). */
  async runOne(): Promise<ReassignmentJobRecord | undefined> {
    const jobs = this.ctx.store.reassignmentJobs;
    const job = await jobs.claimNext(this.name, toIso(this.ctx.clock.now()), this.leaseUntil());
    if (!job) return undefined;
    const outcome = await attemptClaimedJob(this.ctx, job, {
      worker: 'reassignment',
      maxAttempts: MAX_JOB_ATTEMPTS,
      complete: async (j) => {
        await this.execute(j);
        await jobs.finish(j.id, this.name, { status: 'finished', at: toIso(this.ctx.clock.now()) });
      },
      giveUp: async (j, error) => void (await jobs.finish(j.id, this.name, { status: 'failed', at: toIso(this.ctx.clock.now()), error })),
      handBack: async (j) => void (await jobs.renew(j.id, this.name, toIso(this.ctx.clock.now() - 1))),
      failureContext: (j) => ({ jobId: j.id, attempt: j.attempts }),
    });
    this.onJob?.(job, outcome === 'done' ? 'finished' : outcome);
    return job;
  }

  private async execute(job: ReassignmentJobRecord): Promise<void> {
    if (job.kind === 'org-check') {
      await runOrgCheck(this.ctx, job, job.requestedBy);
      return;
    }
    const heartbeat = async () => {
      if (!(await this.ctx.store.reassignmentJobs.renew(job.id, this.name, this.leaseUntil())))
        throw new Error(`job ${job.id} was taken over by another instance`);
    };
    await this.ctx.orgs.sync(true);
    // A rep paused and made active again before the job ran keeps their leads (the operation is recorded, with none).
    const back = job.leadIds === null && this.ctx.orgs.current.repsById.get(job.repId!)?.status === 'active';
    const leadIds = back ? [] : job.leadIds;
    await runReassignmentJob(
      this.ctx,
      { id: job.id, fromRepId: job.repId!, reason: job.reason, actor: job.requestedBy, leadIds },
      heartbeat,
    );
  }

  /** Every job that can be claimed now, one after another (tests; a pass of the periodic task runs one). */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.runOne()) n++;
    return n;
  }

  start(intervalMs = 1_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.ctx, 'reassignment', e);
    const pass = async () => {
      await this.sweepIfDue();
      return (await this.runOne()) !== undefined;
    };
    this.task ??= new PeriodicTask(pass, { intervalMs, onError });
    this.task.start();
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
  }
}
