import { type Kysely, type UpdateObject, sql } from 'kysely';
import {
  CRM_WRITEBACK_STATUSES,
  type CrmWritebackRecord,
  type CrmWritebackRepository,
  type CrmWritebackStatus,
} from '../ports/crm-writebacks.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { normaliseInstant, requireInstant, requireJson, requireLimit, requireText } from './input-checks.ts';
import { leaseDueGroups } from './lease-claims.ts';
import type { CrmWritebacksTable } from './outbound-schema.ts';
import type { Database } from './schema.ts';

const toRecord = (r: CrmWritebacksTable): CrmWritebackRecord => ({
  id: r.id,
  leadId: r.lead_id,
  targetId: r.target_id,
  recordId: r.record_id,
  eventId: r.event_id,
  updateJson: r.update_json,
  status: r.status as CrmWritebackStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  supersededBy: r.superseded_by,
});

const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

export function crmWritebackRepository(db: Kysely<Database>): CrmWritebackRepository {
  return { ...writes(db), ...attempts(db), ...lookups(db) };
}

/** Which lead a CRM record belongs to (a CRM event about the record finds its lead by it). */
function lookups(db: Kysely<Database>): Pick<CrmWritebackRepository, 'leadForRecord'> {
  return {
    async leadForRecord(targetIds, recordId) {
      if (targetIds.length === 0 || recordId === '') return undefined;
      // Any status: a record written back once (sent, dead or superseded) names its lead all the same.
      const row = await db
        .selectFrom('crm_writebacks')
        .select('lead_id')
        .where('target_id', 'in', [...targetIds])
        .where('record_id', '=', recordId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.lead_id;
    },
  };
}

function writes(db: Kysely<Database>): Pick<CrmWritebackRepository, 'add' | 'get' | 'list' | 'redrive'> {
  return {
    async add(row) {
      for (const [value, what] of [
        [row.id, 'write-back id'],
        [row.leadId, 'write-back leadId'],
        [row.targetId, 'write-back targetId'],
        [row.recordId, 'write-back recordId'],
        [row.eventId, 'write-back eventId'],
      ] as const)
        requireText(value, what);
      requireJson(row.updateJson, 'write-back update');
      requireInstant(row.createdAt, 'write-back createdAt');
      const older = await db
        .selectFrom('crm_writebacks')
        .select(['id', 'next_attempt_at'])
        .where('target_id', '=', row.targetId)
        .where('record_id', '=', row.recordId)
        .where('status', '=', 'PENDING')
        .execute();
      // An older row may be on the wire under a lease (the newer waits until it is over, so it lands last), or wait for a
      // backoff or Retry-After the CRM imposed on this record (the newer keeps to it).
      const due = older.reduce((at, o) => later(at, o.next_attempt_at), row.createdAt);
      if (older.length > 0)
        await db
          .updateTable('crm_writebacks')
          .set({ status: 'SUPERSEDED', superseded_by: row.id })
          .where(
            'id',
            'in',
            older.map((o) => o.id),
          )
          .where('status', '=', 'PENDING')
          .execute();
      await db
        .insertInto('crm_writebacks')
        .values({
          id: row.id,
          lead_id: row.leadId,
          target_id: row.targetId,
          record_id: row.recordId,
          event_id: row.eventId,
          update_json: row.updateJson,
          status: 'PENDING',
          attempts: 0,
          next_attempt_at: due,
          last_error: null,
          created_at: row.createdAt,
          sent_at: null,
          superseded_by: null,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('crm_writebacks').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async list(filter) {
      const limit = requireLimit(filter.limit);
      let q = db.selectFrom('crm_writebacks').selectAll();
      if (filter.status !== undefined) {
        if (!CRM_WRITEBACK_STATUSES.includes(filter.status))
          throw new StoreInputError(`unknown write-back status ${JSON.stringify(filter.status)}`);
        q = q.where('status', '=', filter.status);
      }
      if (filter.leadId !== undefined) q = q.where('lead_id', '=', filter.leadId);
      return (await q.orderBy('created_at').orderBy('id').limit(limit).execute()).map(toRecord);
    },
    async redrive(id, now) {
      requireInstant(now, 'now');
      const r = await db
        .updateTable('crm_writebacks')
        .set({ status: 'PENDING', next_attempt_at: now })
        .where('id', '=', id)
        .where('status', '=', 'DEAD')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

function attempts(db: Kysely<Database>): Pick<CrmWritebackRepository, 'claimDue' | 'markSent' | 'markFailed' | 'reschedule'> {
  const updatePending = async (id: string, set: UpdateObject<Database, 'crm_writebacks'>) => {
    const r = await db.updateTable('crm_writebacks').set(set).where('id', '=', id).where('status', '=', 'PENDING').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  };
  return {
    async claimDue(now, limit, leaseUntil) {
      requireInstant(leaseUntil, 'lease until');
      const due = await db
        .selectFrom('crm_writebacks')
        .selectAll()
        .where('status', '=', 'PENDING')
        .where('next_attempt_at', '<=', normaliseInstant(now, 'now'))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(requireLimit(limit))
        .execute();
      return (
        await leaseDueGroups(
          db,
          'crm_writebacks',
          due.map((row) => [row]),
          leaseUntil,
        )
      ).map(toRecord);
    },
    async markSent(id, at) {
      requireInstant(at, 'sentAt');
      return updatePending(id, { status: 'SENT', attempts: sql<number>`attempts + 1`, sent_at: at, last_error: null });
    },
    async markFailed(id, patch) {
      if (typeof patch.error !== 'string') throw new StoreInputError('write-back error must be a string');
      if (patch.nextAttemptAt !== null) requireInstant(patch.nextAttemptAt, 'write-back nextAttemptAt');
      const failed = { attempts: sql<number>`attempts + 1`, last_error: patch.error };
      return updatePending(
        id,
        patch.nextAttemptAt === null ? { ...failed, status: 'DEAD' } : { ...failed, next_attempt_at: patch.nextAttemptAt },
      );
    },
    async reschedule(id, patch) {
      if (typeof patch.error !== 'string') throw new StoreInputError('write-back error must be a string');
      requireInstant(patch.nextAttemptAt, 'write-back nextAttemptAt');
      return updatePending(id, { last_error: patch.error, next_attempt_at: patch.nextAttemptAt });
    },
  };
}
