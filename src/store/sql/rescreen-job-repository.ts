import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type {
  CoverageOutcome,
  RescreenJobHold,
  RescreenJobList,
  RescreenJobRecord,
  RescreenJobRepository,
  RescreenJobStatus,
  RescreenJobTrigger,
} from '../ports/rescreen-jobs.port.ts';
import { requireInstant } from './input-checks.ts';
import type { RescreenJobsTable } from './screening-schema.ts';
import type { Database } from './schema.ts';

const toRecord = (r: Selectable<RescreenJobsTable>): RescreenJobRecord => ({
  id: r.id,
  trigger: r.trigger as RescreenJobTrigger,
  requestedBy: r.requested_by,
  roles: JSON.parse(r.roles_json) as string[],
  lists: JSON.parse(r.lists_json) as RescreenJobList[],
  entries: Number(r.entries),
  entriesDone: Number(r.entries_done),
  reportJson: r.report_json,
  status: r.status as RescreenJobStatus,
  attempts: Number(r.attempts),
  claimedBy: r.claimed_by,
  leaseUntil: r.lease_until,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error,
});

/** How many claimable jobs one claim reads before giving up for this pass (others may be taking them, or not eligible). */
const CLAIM_CANDIDATES = 20;

/**
 * The oldest claimable job the caller accepts, taken with a compare-and-set on what was read: another runner that
 * claimed it first changed its status or attempts, so this update matches no row.
 */
async function claimNext(
  db: Kysely<Database>,
  worker: string,
  now: string,
  leaseUntil: string,
  eligible: (job: RescreenJobRecord) => boolean | Promise<boolean>,
): Promise<RescreenJobRecord | undefined> {
  const candidates = await db
    .selectFrom('rescreen_jobs')
    .selectAll()
    .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)])]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(CLAIM_CANDIDATES)
    .execute();
  for (const c of candidates) {
    if (!(await eligible(toRecord(c)))) continue;
    const attempts = Number(c.attempts) + 1;
    const startedAt = c.started_at ?? now;
    const r = await db
      .updateTable('rescreen_jobs')
      .set({ status: 'running', attempts, claimed_by: worker, lease_until: leaseUntil, started_at: startedAt })
      .where('id', '=', c.id)
      .where('status', '=', c.status)
      .where('attempts', '=', Number(c.attempts))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1)
      return toRecord({ ...c, status: 'running', attempts, claimed_by: worker, lease_until: leaseUntil, started_at: startedAt });
  }
  return undefined;
}

/** See the port: one row per (job, lead); a second hold of the lead by the job adds its hits (under the lead's lock). */
async function recordHold(db: Kysely<Database>, jobId: string, hold: RescreenJobHold): Promise<void> {
  const row = db.selectFrom('rescreen_job_holds').where('job_id', '=', jobId).where('lead_id', '=', hold.leadId);
  const earlier = await row.select('hits_json').executeTakeFirst();
  if (!earlier) {
    const values = { job_id: jobId, lead_id: hold.leadId, hits_json: JSON.stringify(hold.hits), held_at: hold.heldAt };
    await db.insertInto('rescreen_job_holds').values(values).execute();
    return;
  }
  const hits = [...new Set([...(JSON.parse(earlier.hits_json) as string[]), ...hold.hits])];
  await db
    .updateTable('rescreen_job_holds')
    .set({ hits_json: JSON.stringify(hits) })
    .where('job_id', '=', jobId)
    .where('lead_id', '=', hold.leadId)
    .execute();
}

async function heldByJob(db: Kysely<Database>, jobId: string, leadId: string): Promise<boolean> {
  const row = await db
    .selectFrom('rescreen_job_holds')
    .select('lead_id')
    .where('job_id', '=', jobId)
    .where('lead_id', '=', leadId)
    .executeTakeFirst();
  return row !== undefined;
}

/** See the port: one row per (job, lead); the job screening the lead again replaces its outcome (under the lead's lock). */
async function recordCoverageOutcome(
  db: Kysely<Database>,
  jobId: string,
  { leadId, outcome, at }: { leadId: string; outcome: CoverageOutcome; at: string },
): Promise<void> {
  await db
    .insertInto('coverage_job_outcomes')
    .values({ job_id: jobId, lead_id: leadId, outcome, at })
    .onConflict((oc) => oc.columns(['job_id', 'lead_id']).doUpdateSet({ outcome, at }))
    .execute();
}

async function coverageOutcomes(db: Kysely<Database>, jobId: string): Promise<Partial<Record<CoverageOutcome, number>>> {
  const rows = await db
    .selectFrom('coverage_job_outcomes')
    .select(['outcome', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('job_id', '=', jobId)
    .groupBy('outcome')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.outcome as CoverageOutcome, Number(r.n)]));
}

const FINISHED: readonly RescreenJobStatus[] = ['done', 'failed'];
/** Jobs deleted per statement group (ids bound as parameters). */
const PRUNE_BATCH = 500;

/** Whether the job read recorded a lead (a hold, or a coverage outcome) that is HELD now: it awaits review. */
function recordsAHeldLead(eb: ExpressionBuilder<Database, 'rescreen_jobs'>) {
  const recorded = eb
    .selectFrom('rescreen_job_holds')
    .select('lead_id')
    .whereRef('rescreen_job_holds.job_id', '=', 'rescreen_jobs.id')
    .unionAll(eb.selectFrom('coverage_job_outcomes').select('lead_id').whereRef('coverage_job_outcomes.job_id', '=', 'rescreen_jobs.id'));
  return eb.exists(eb.selectFrom('leads').select('leads.id').where('leads.status', '=', 'HELD').where('leads.id', 'in', recorded));
}

/** See the port: finished jobs past the cutoff none of whose recorded leads is HELD, with their records. */
async function pruneFinished(db: Kysely<Database>, before: string, dryRun: boolean): Promise<number> {
  requireInstant(before, 'before');
  const rows = await db
    .selectFrom('rescreen_jobs')
    .select('id')
    .where('status', 'in', FINISHED)
    .where('finished_at', '<', before)
    .where((eb) => eb.not(recordsAHeldLead(eb)))
    .execute();
  if (dryRun) return rows.length;
  for (let i = 0; i < rows.length; i += PRUNE_BATCH) {
    const ids = rows.slice(i, i + PRUNE_BATCH).map((r) => r.id);
    // the records first: they reference the job
    await db.deleteFrom('rescreen_job_holds').where('job_id', 'in', ids).execute();
    await db.deleteFrom('coverage_job_outcomes').where('job_id', 'in', ids).execute();
    await db.deleteFrom('rescreen_jobs').where('id', 'in', ids).where('status', 'in', FINISHED).execute();
  }
  return rows.length;
}

export function rescreenJobRepository(db: Kysely<Database>): RescreenJobRepository {
  const held = (id: string, worker: string) =>
    db.updateTable('rescreen_jobs').where('id', '=', id).where('claimed_by', '=', worker).where('status', '=', 'running');
  return {
    async enqueue(job) {
      await db
        .insertInto('rescreen_jobs')
        .values({
          id: job.id,
          trigger: job.trigger,
          requested_by: job.requestedBy,
          roles_json: JSON.stringify(job.roles),
          lists_json: JSON.stringify(job.lists),
          entries: job.lists.reduce((n, l) => n + l.entryIds.length, 0),
          entries_done: 0,
          report_json: null,
          status: 'queued',
          attempts: 0,
          claimed_by: null,
          lease_until: null,
          created_at: job.createdAt,
          started_at: null,
          finished_at: null,
          error: null,
        })
        .execute();
    },
    claimNext: (worker, now, leaseUntil, eligible) => claimNext(db, worker, now, leaseUntil, eligible),
    async renew(id, worker, leaseUntil) {
      const r = await held(id, worker).set({ lease_until: leaseUntil }).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async progress(id, worker, p) {
      const r = await held(id, worker)
        .set({ entries_done: p.entriesDone, report_json: p.reportJson, lease_until: p.leaseUntil })
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async finish(id, worker, outcome) {
      const r = await held(id, worker)
        .set({
          status: outcome.status,
          finished_at: outcome.at,
          lease_until: null,
          error: outcome.error ?? null,
          ...(outcome.reportJson === undefined ? {} : { report_json: outcome.reportJson }),
        })
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    recordHold: (jobId, hold) => recordHold(db, jobId, hold),
    async holds(jobId) {
      const rows = await db
        .selectFrom('rescreen_job_holds')
        .select(['lead_id', 'hits_json', 'held_at'])
        .where('job_id', '=', jobId)
        .orderBy('held_at')
        .orderBy('lead_id')
        .execute();
      return rows.map((r) => ({ leadId: r.lead_id, hits: JSON.parse(r.hits_json) as string[], heldAt: r.held_at }));
    },
    heldByJob: (jobId, leadId) => heldByJob(db, jobId, leadId),
    recordCoverageOutcome: (jobId, outcome) => recordCoverageOutcome(db, jobId, outcome),
    coverageOutcomes: (jobId) => coverageOutcomes(db, jobId),
    pruneFinished: (before, opts) => pruneFinished(db, before, opts.dryRun),
    async get(id) {
      const row = await db.selectFrom('rescreen_jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async list({ limit, before }) {
      let q = db.selectFrom('rescreen_jobs').selectAll();
      if (before)
        q = q.where((eb) =>
          eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
        );
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toRecord);
    },
  };
}
