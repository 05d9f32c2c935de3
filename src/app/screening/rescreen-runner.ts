import { hostname } from 'node:os';
import type { Principal } from '../../domain/access/principal.ts';
import type { Role } from '../../domain/access/roles.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { ListDelta } from '../../screening/list-delta.ts';
import type { JsonValue } from '../../audit/index.ts';
import type { RescreenJobRecord } from '../../store/ports/rescreen-jobs.port.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { attemptClaimedJob, type JobAttemptOutcome } from '../shared/job-attempt.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { EMPTY_RELEASE_REPORT, releasePage, type CoverageReleaseReport } from './coverage-release.ts';
import { rescreenListDeltas, type DeltaRescreenReport } from './delta-rescreen.use-case.ts';
import { mergeReports, parseDeltaReport, withRecordedHolds } from './rescreen-job-report.ts';

export interface RescreenRunnerOptions {
  /** Recorded on each job it claims (claimed_by). Default host:pid. */
  readonly name?: string;
  /** How long a claim holds without a heartbeat before another runner may take the job over. Default 2 min. */
  readonly leaseMs?: number;
  /** Entries screened between two progress records (the most a resumed job screens again). Default 500. */
  readonly chunkEntries?: number;
  /** Called for every job this runner ended (tests, logs). */
  readonly onJob?: (job: RescreenJobRecord, status: JobAttemptOutcome) => void;
}

/** A job that failed this many times is marked failed (its error kept) instead of being retried. */
export const MAX_RESCREEN_ATTEMPTS = 5;

type Chunk = readonly { readonly listId: string; readonly entryIds: readonly string[] }[];

/** The entry ids from `from` on, `size` of them, grouped by list in the job's order. */
function chunkOf(job: RescreenJobRecord, from: number, size: number): Chunk {
  const out: { listId: string; entryIds: string[] }[] = [];
  let at = 0;
  for (const l of job.lists) {
    const start = Math.max(from - at, 0);
    const end = Math.min(from + size - at, l.entryIds.length);
    if (start < end) out.push({ listId: l.listId, entryIds: l.entryIds.slice(start, end) });
    at += l.entryIds.length;
  }
  return out;
}

/**
 * Background runner of `remit serve` (docs/screening.md "Re-screen jobs"): each pass claims one queued job (a
 * compare-and-set, so with several instances a job runs on one) whose lists this instance holds in the versions in
 * force, and screens its delta against the stored leads through rescreenListDeltas, a chunk of entries at a time. After
 * each chunk it records the progress and the report so far; the lease is renewed by a heartbeat while a chunk runs. A
 * job whose runner died is claimed again once its lease ran out and resumes at the first chunk not recorded; screening a
 * chunk again is safe (holdOnRescreen holds a lead once and never re-opens disposed hits), and each hold is recorded for
 * the job in its own transaction, so the report lists the leads a dead runner held in the chunk it did not record.
 */
export class RescreenRunner {
  private readonly ctx: ServiceContext;
  readonly name: string;
  private readonly leaseMs: number;
  private readonly chunkEntries: number;
  private readonly onJob: RescreenRunnerOptions['onJob'];
  private task: PeriodicTask | null = null;

  constructor(ctx: ServiceContext, options: RescreenRunnerOptions = {}) {
    this.ctx = ctx;
    this.name = options.name ?? `rescreen-runner ${hostname()}:${process.pid}`;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.chunkEntries = options.chunkEntries ?? 500;
    this.onJob = options.onJob;
  }

  private leaseUntil(): string {
    return toIso(this.ctx.clock.now() + this.leaseMs);
  }

  /**
   * A job is this instance's to run when, for each of its lists, the version this instance screens with is the one the
   * store has in force (another instance may have reloaded a list this one still holds in an older version), or the
   * list is no longer configured here (its entries are gone: nothing to screen). A `coverage` job (no lists) is this
   * instance's only when its coverage is `ok` and every source configured here is in the version in force: leads are
   * released only by an instance that can vouch for a clear.
   */
  private eligibility(): (job: RescreenJobRecord) => Promise<boolean> {
    const screening = this.ctx.screening;
    // read once per pass, and only when there is a job to look at (an idle pass is one query)
    let inForce: Promise<Map<string, string>> | undefined;
    return async (job) => {
      if (!screening) return false;
      inForce ??= this.ctx.store.screeningLists.inForce().then((rows) => new Map(rows.map((r) => [r.sourceId, r.sha256])));
      const stored = await inForce;
      if (job.trigger === 'coverage')
        return (
          screening.coverage() === 'ok' &&
          [...stored].every(([listId, sha256]) => !this.ctx.listSources?.get(listId) || screening.version(listId)?.sha256 === sha256)
        );
      return job.lists.every((l) => {
        const mine = screening.version(l.listId)?.sha256;
        if (mine === undefined) return !this.ctx.listSources?.get(l.listId) && !stored.has(l.listId);
        return mine === stored.get(l.listId);
      });
    };
  }

  /** One job, if one can be claimed. Returns the job it ran (undefined: nothing to do). */
  async runOne(): Promise<RescreenJobRecord | undefined> {
    const jobs = this.ctx.store.rescreenJobs;
    const job = await jobs.claimNext(this.name, toIso(this.ctx.clock.now()), this.leaseUntil(), this.eligibility());
    if (!job) return undefined;
    const outcome = await attemptClaimedJob(this.ctx, job, {
      worker: 'rescreen-job',
      maxAttempts: MAX_RESCREEN_ATTEMPTS,
      complete: async (j) => {
        const report = j.trigger === 'coverage' ? await this.executeRelease(j) : await this.execute(j);
        const at = toIso(this.ctx.clock.now());
        if (!(await jobs.finish(j.id, this.name, { status: 'done', at, reportJson: JSON.stringify(report) }))) throw takenOver(j.id);
        await this.audit(
          j,
          'screening.rescreen_job.done',
          'kind' in report
            ? { ...report }
            : {
                entries: report.entries,
                candidates: report.candidates,
                newMatches: report.newMatches.length,
                newlyHeld: [...report.newlyHeld],
                alreadyHeld: report.alreadyHeld,
                failed: report.failed,
              },
        );
      },
      giveUp: async (j, error) => {
        if (await jobs.finish(j.id, this.name, { status: 'failed', at: toIso(this.ctx.clock.now()), error }))
          await this.audit(j, 'screening.rescreen_job.failed', { error });
      },
      handBack: async (j) => void (await jobs.renew(j.id, this.name, toIso(this.ctx.clock.now() - 1))),
      failureContext: (j) => ({ jobId: j.id, attempt: j.attempts }),
    });
    this.onJob?.(job, outcome);
    return job;
  }

  private async audit(job: RescreenJobRecord, action: string, payload: Readonly<Record<string, JsonValue>>): Promise<void> {
    const at = toIso(this.ctx.clock.now());
    await this.ctx.store.transaction((tx) =>
      appendAudit(tx, {
        kind: 'screening',
        subject: `rescreen:${job.id}`,
        actor: job.requestedBy,
        at,
        payload: { action, runner: this.name, attempt: job.attempts, ...payload },
      }),
    );
  }

  /** The chunk's entries as read from the lists in force (an entry removed since the job was queued cannot match). */
  private deltasOf(job: RescreenJobRecord, chunk: Chunk): ListDelta[] {
    return chunk.map(({ listId, entryIds }) => {
      const ids = new Set(entryIds);
      const counts = job.lists.find((l) => l.listId === listId)!;
      const entities = this.ctx.screening?.loaded(listId)?.entities ?? [];
      return { listId, entries: entities.filter((e) => ids.has(e.entryId)), ...pick(counts) };
    });
  }

  private async execute(job: RescreenJobRecord): Promise<DeltaRescreenReport> {
    await this.audit(job, 'screening.rescreen_job.started', { entries: job.entries, entriesDone: job.entriesDone });
    const principal: Principal = {
      userId: job.requestedBy,
      name: job.requestedBy,
      roles: job.roles as Role[],
      repId: null,
      keyId: null,
    };
    // What earlier attempts recorded: a resumed job starts at the first chunk not recorded.
    let report = job.reportJson === null ? null : parseDeltaReport(job.reportJson);
    let done = job.entriesDone;
    // The report's lists are the job's (each chunk sees a slice of them).
    const lists = job.lists.map((l) => ({ listId: l.listId, ...pick(l) }));
    while (done < job.entries) {
      const chunk = chunkOf(job, done, this.chunkEntries);
      const scope = { jobId: job.id };
      const part = await this.leasedStep(job.id, () => rescreenListDeltas(this.ctx, principal, this.deltasOf(job, chunk), scope));
      done += chunk.reduce((n, c) => n + c.entryIds.length, 0);
      // Leads this job held, also in a chunk an earlier attempt (or another runner) screened but did not record.
      const holds = await this.ctx.store.rescreenJobs.holds(job.id);
      // entries the list no longer holds are counted as screened: the chunk's size, not what was found
      const merged = mergeReports(report, { ...part, lists, entries: chunk.reduce((n, c) => n + c.entryIds.length, 0) });
      report = withRecordedHolds(merged, holds);
      await this.recordProgress(job.id, done, report);
    }
    // queueRescreenJob queues no job without entries, so at least one chunk ran (in this attempt or an earlier one)
    if (!report) throw new Error(`job ${job.id} has no entries`);
    return report;
  }

  /**
   * A `coverage` job (coverage-release.ts): the HELD leads a page at a time, each released (or left) in its own
   * transaction; after each page the report (counts and the last lead id) is recorded, so a resumed job continues
   * after it. A page handled again is safe: each lead's criterion is re-read under its lock, and a handled lead no
   * longer meets it; its outcome was recorded for the job with its change (coverage_job_outcomes), and the report's
   * counts are read from those records, so a lead a dead runner released is still counted, once.
   */
  private async executeRelease(job: RescreenJobRecord): Promise<CoverageReleaseReport> {
    let report = job.reportJson === null ? EMPTY_RELEASE_REPORT : (JSON.parse(job.reportJson) as CoverageReleaseReport);
    await this.audit(job, 'screening.rescreen_job.started', { resumedAfter: report.afterLeadId });
    for (let done = false; !done;) {
      const from = report;
      ({ report, done } = await this.leasedStep(job.id, () => releasePage(this.ctx, job.id, from, this.chunkEntries)));
      await this.recordProgress(job.id, 0, report);
    }
    return report;
  }

  /** Runs one chunk of a job under a heartbeat; fails when another runner took the job over meanwhile. */
  private async leasedStep<T>(id: string, step: () => Promise<T>): Promise<T> {
    const lost = this.heartbeat(id);
    let out: T;
    try {
      out = await step();
    } finally {
      lost.stop();
    }
    if (lost.taken()) throw takenOver(id);
    return out;
  }

  /** Records a job's progress and the report so far, renewing its lease; fails when the job is no longer this runner's. */
  private async recordProgress(id: string, entriesDone: number, report: DeltaRescreenReport | CoverageReleaseReport): Promise<void> {
    const recorded = await this.ctx.store.rescreenJobs.progress(id, this.name, {
      entriesDone,
      reportJson: JSON.stringify(report),
      leaseUntil: this.leaseUntil(),
    });
    if (!recorded) throw takenOver(id);
  }

  /** Renews the lease every third of it while a chunk runs; says whether another runner took the job meanwhile. */
  private heartbeat(id: string): { stop(): void; taken(): boolean } {
    let taken = false;
    const timer = setInterval(
      () =>
        void this.ctx.store.rescreenJobs.renew(id, this.name, this.leaseUntil()).then(
          (held) => (taken ||= !held),
          (e: unknown) => reportWorkerFailure(this.ctx, 'rescreen-job', e, { jobId: id, step: 'heartbeat' }),
        ),
      Math.max(this.leaseMs / 3, 10),
    );
    timer.unref();
    return { stop: () => clearInterval(timer), taken: () => taken };
  }

  /** Every job that can be claimed now, one after another (tests; a pass of the periodic task runs one). */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.runOne()) n++;
    return n;
  }

  start(intervalMs = 1_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.ctx, 'rescreen-job', e);
    this.task ??= new PeriodicTask(async () => (await this.runOne()) !== undefined, { intervalMs, onError });
    this.task.start();
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
  }
}

const takenOver = (id: string) => new Error(`job ${id} was taken over by another runner`);

const pick = (l: { added: number; changed: number; removed: number }) => ({ added: l.added, changed: l.changed, removed: l.removed });
