import type { Kysely, Selectable } from 'kysely';
import type {
  ReassignmentJobKind,
  ReassignmentJobRecord,
  ReassignmentJobRepository,
  ReassignmentJobStatus,
  ReassignmentJobTrigger,
} from '../ports/reassignment-jobs.port.ts';
import type { Database, ReassignmentJobsTable } from './schema.ts';

const toRecord = (r: Selectable<ReassignmentJobsTable>): ReassignmentJobRecord => ({
  id: r.id,
  kind: r.kind as ReassignmentJobKind,
  trigger: r.trigger as ReassignmentJobTrigger,
  repId: r.rep_id,
  leadIds: r.lead_ids_json === null ? null : (JSON.parse(r.lead_ids_json) as string[]),
  reason: r.reason,
  requestedBy: r.requested_by,
  orgHash: r.org_hash,
  previousHash: r.previous_hash,
  status: r.status as ReassignmentJobStatus,
  attempts: Number(r.attempts),
  claimedBy: r.claimed_by,
  leaseUntil: r.lease_until,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  error: r.error,
});

/** How many candidates one claim looks at before giving up for this pass (others may be taking them too). */
const CLAIM_CANDIDATES = 5;

/**
 * The oldest claimable job (pending, or running with a lease that ran out), taken with a compare-and-set on what was
 * read: another instance that claimed it first changed its status or attempts, so this update matches no row.
 */
async function claimNext(
  db: Kysely<Database>,
  worker: string,
  now: string,
  leaseUntil: string,
): Promise<ReassignmentJobRecord | undefined> {
  const candidates = await db
    .selectFrom('reassignment_jobs')
    .selectAll()
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)])]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(CLAIM_CANDIDATES)
    .execute();
  for (const c of candidates) {
    const attempts = Number(c.attempts) + 1;
    const r = await db
      .updateTable('reassignment_jobs')
      .set({ status: 'running', attempts, claimed_by: worker, lease_until: leaseUntil })
      .where('id', '=', c.id)
      .where('status', '=', c.status)
      .where('attempts', '=', Number(c.attempts))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return toRecord({ ...c, status: 'running', attempts, claimed_by: worker, lease_until: leaseUntil });
  }
  return undefined;
}

export function reassignmentJobRepository(db: Kysely<Database>): ReassignmentJobRepository {
  return {
    async enqueue(job) {
      await db
        .insertInto('reassignment_jobs')
        .values({
          id: job.id,
          kind: job.kind,
          trigger: job.trigger,
          rep_id: job.repId,
          lead_ids_json: job.leadIds === null ? null : JSON.stringify(job.leadIds),
          reason: job.reason,
          requested_by: job.requestedBy,
          org_hash: job.orgHash,
          previous_hash: job.previousHash,
          status: 'pending',
          attempts: 0,
          claimed_by: null,
          lease_until: null,
          created_at: job.createdAt,
          finished_at: null,
          error: null,
        })
        .execute();
    },
    claimNext: (worker, now, leaseUntil) => claimNext(db, worker, now, leaseUntil),
    async renew(id, worker, leaseUntil) {
      const r = await db
        .updateTable('reassignment_jobs')
        .set({ lease_until: leaseUntil })
        .where('id', '=', id)
        .where('claimed_by', '=', worker)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async finish(id, worker, outcome) {
      const r = await db
        .updateTable('reassignment_jobs')
        .set({ status: outcome.status, finished_at: outcome.at, lease_until: null, error: outcome.error ?? null })
        .where('id', '=', id)
        .where('claimed_by', '=', worker)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async get(id) {
      const row = await db.selectFrom('reassignment_jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async allLeadsJob(repId, orgHash) {
      const row = await db
        .selectFrom('reassignment_jobs')
        .selectAll()
        .where('rep_id', '=', repId)
        .where((eb) => eb.or([eb('status', 'in', ['pending', 'running']), eb('org_hash', '=', orgHash)]))
        .where('kind', '=', 'rep')
        .where('lead_ids_json', 'is', null)
        .orderBy('created_at')
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async open() {
      const rows = await db
        .selectFrom('reassignment_jobs')
        .selectAll()
        .where('status', 'in', ['pending', 'running'])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
  };
}
