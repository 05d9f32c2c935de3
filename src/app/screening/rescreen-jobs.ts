import type { ListDelta } from '../../screening/list-delta.ts';
import type { NewRescreenJob, RescreenJobList, RescreenJobRecord, RescreenJobStatus } from '../../store/ports/rescreen-jobs.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { CoverageReleaseReport } from './coverage-release.ts';
import type { DeltaRescreenReport } from './delta-rescreen.use-case.ts';

/**
 * Delta re-screening as durable background work (docs/screening.md "Re-screen jobs"): a list change queues a job in the
 * transaction that puts the new version in force, and the re-screen runner (rescreen-runner.ts) screens the delta
 * against the stored leads off the request path. The job keeps the delta's entry ids, not the entries: the runner reads
 * them from the list in force, so the job row holds no list data and survives a restart.
 */

/** What a reload or approval answers about the job it queued. */
export interface QueuedRescreen {
  readonly jobId: string;
  readonly status: RescreenJobStatus;
}

/** One list's delta with the versions it goes between. */
export interface VersionedDelta {
  readonly delta: ListDelta;
  readonly beforeSha256: string | null;
  readonly afterSha256: string;
}

/** The job's lists: each delta's counts, versions and entry ids (added and changed entries, in list order). */
export function rescreenJobLists(deltas: readonly VersionedDelta[]): RescreenJobList[] {
  return deltas.map(({ delta, beforeSha256, afterSha256 }) => ({
    listId: delta.listId,
    beforeSha256,
    afterSha256,
    added: delta.added,
    changed: delta.changed,
    removed: delta.removed,
    // an id repeated in one file appears once: the runner screens every entry of the list that carries it
    entryIds: [...new Set(delta.entries.map((e) => e.entryId))],
  }));
}

/**
 * Queues the job and audits it, in the caller's transaction (the one that puts the versions in force). Nothing is
 * queued when no list has an added or changed entry: there is nothing a stored lead could newly match.
 */
export async function queueRescreenJob(tx: UnitOfWork, job: NewRescreenJob): Promise<QueuedRescreen | null> {
  const entries = job.lists.reduce((n, l) => n + l.entryIds.length, 0);
  if (entries === 0) return null;
  await tx.rescreenJobs.enqueue(job);
  await appendAudit(tx, {
    kind: 'screening',
    subject: `rescreen:${job.id}`,
    actor: job.requestedBy,
    at: job.createdAt,
    payload: {
      action: 'screening.rescreen_job.queued',
      trigger: job.trigger,
      roles: job.roles,
      entries,
      lists: job.lists.map(({ entryIds: _, ...l }) => l),
    },
  });
  return { jobId: job.id, status: 'queued' };
}

/** A job as `GET /v1/screening/rescreens/{id}` shows it: no entry ids (a whole list's worth for a new list). */
export function rescreenJobView(job: RescreenJobRecord) {
  return {
    id: job.id,
    trigger: job.trigger,
    requestedBy: job.requestedBy,
    status: job.status,
    attempts: job.attempts,
    progress: { entries: job.entries, entriesDone: job.entriesDone },
    lists: job.lists.map(({ entryIds: _, ...l }) => l),
    report: job.reportJson === null ? null : (JSON.parse(job.reportJson) as DeltaRescreenReport | CoverageReleaseReport),
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    error: job.error,
  };
}
