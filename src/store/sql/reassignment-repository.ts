import type { Kysely, Selectable } from 'kysely';
import type {
  ReassignmentCounts,
  ReassignmentItemRecord,
  ReassignmentRecord,
  ReassignmentRepository,
  ReassignmentStatus,
} from '../ports/reassignments.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { Database, ReassignmentItemsTable, ReassignmentsTable } from './schema.ts';

const ZERO: ReassignmentCounts = { leads: 0, assigned: 0, queued: 0, refused: 0, held: 0, nurture: 0, skipped: 0 };

function requireCounts(counts: ReassignmentCounts): void {
  for (const [name, n] of Object.entries(counts))
    if (!Number.isSafeInteger(n) || n < 0) throw new StoreInputError(`counts.${name} must be a non-negative integer`);
}

const countColumns = (c: ReassignmentCounts) => ({
  lead_count: c.leads,
  assigned_count: c.assigned,
  queued_count: c.queued,
  refused_count: c.refused,
  held_count: c.held,
  nurture_count: c.nurture,
  skipped_count: c.skipped,
});

const toRecord = (r: Selectable<ReassignmentsTable>): ReassignmentRecord => ({
  id: r.id,
  fromRep: r.from_rep,
  requestedBy: r.requested_by,
  reason: r.reason,
  status: r.status as ReassignmentStatus,
  orgHash: r.org_hash,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  counts: {
    leads: Number(r.lead_count),
    assigned: Number(r.assigned_count),
    queued: Number(r.queued_count),
    refused: Number(r.refused_count),
    held: Number(r.held_count),
    nurture: Number(r.nurture_count),
    skipped: Number(r.skipped_count),
  },
});

const toItem = (r: Selectable<ReassignmentItemsTable>): ReassignmentItemRecord => ({
  reassignmentId: r.reassignment_id,
  seq: Number(r.seq),
  leadId: r.lead_id,
  fromRep: r.from_rep,
  toRep: r.to_rep,
  toTeam: r.to_team,
  outcome: r.outcome,
  decisionId: r.decision_id,
  reasonCodes: JSON.parse(r.reason_codes_json) as string[],
  at: r.at,
});

export function reassignmentRepository(db: Kysely<Database>): ReassignmentRepository {
  return {
    async start(input) {
      await db
        .insertInto('reassignments')
        .values({
          id: input.id,
          from_rep: input.fromRep,
          requested_by: input.requestedBy,
          reason: input.reason,
          status: 'running',
          org_hash: input.orgHash,
          started_at: input.startedAt,
          finished_at: null,
          ...countColumns(ZERO),
        })
        .execute();
    },
    async addItem(item) {
      if (!Number.isSafeInteger(item.seq) || item.seq < 1) throw new StoreInputError('seq must be a positive integer');
      await db
        .insertInto('reassignment_items')
        .values({
          reassignment_id: item.reassignmentId,
          seq: item.seq,
          lead_id: item.leadId,
          from_rep: item.fromRep,
          to_rep: item.toRep,
          to_team: item.toTeam,
          outcome: item.outcome,
          decision_id: item.decisionId,
          reason_codes_json: JSON.stringify(item.reasonCodes),
          at: item.at,
        })
        .execute();
    },
    async finish(id, finishedAt, counts) {
      requireCounts(counts);
      const r = await db
        .updateTable('reassignments')
        .set({ status: 'finished', finished_at: finishedAt, ...countColumns(counts) })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async get(id) {
      const row = await db.selectFrom('reassignments').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async items(id) {
      return (await db.selectFrom('reassignment_items').selectAll().where('reassignment_id', '=', id).orderBy('seq').execute()).map(toItem);
    },
  };
}
