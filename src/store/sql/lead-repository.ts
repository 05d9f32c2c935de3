import type { CompiledQuery, Insertable, Kysely, Selectable } from 'kysely';
import { LEAD_STATUSES, type LeadStatus } from '../../domain/lead/lead-status.ts';
import type { LeadRecord, LeadRepository } from '../ports/leads.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import { amendableInsert, amendHeldWrite } from './deferred-writes.ts';
import { normaliseInstant, requireInstant, requireJson, requireLimit, requireText } from './input-checks.ts';
import { afterCursor } from './keyset-page.ts';
import type { StatementShapes } from './statement-shapes.ts';
import type { Database, LeadsTable } from './schema.ts';

const toLead = (r: Selectable<LeadsTable>): LeadRecord => ({
  id: r.id,
  status: r.status as LeadStatus,
  teamId: r.team_id,
  repId: r.rep_id,
  orgHash: r.org_hash,
  leadJson: r.lead_json,
  receivedAt: r.received_at,
  updatedAt: r.updated_at,
  duplicateOf: r.duplicate_of,
});

/** Reads and locks (PostgreSQL FOR UPDATE) one lead row. */
const lockLead = async (db: Kysely<Database>, caps: StoreCapabilities, id: string) => {
  const row = await db
    .selectFrom('leads')
    .selectAll()
    .where('id', '=', id)
    .$if(caps.rowLocks, (q) => q.forUpdate())
    .executeTakeFirst();
  return row ? toLead(row) : undefined;
};

export function leadRepository(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  createdHere?: Set<string>,
): LeadRepository {
  return { ...leadWrites(db, caps, shapes, createdHere), ...leadReads(db) };
}

/** A lead's claim input, checked: the row `claim` and `insertNew` insert (status NEW, no team or rep). */
function newLeadRow(input: Parameters<LeadRepository['claim']>[0]) {
  requireText(input.id, 'lead id');
  requireText(input.orgHash, 'lead orgHash');
  requireInstant(input.receivedAt, 'lead receivedAt');
  const lead = requireJson(input.leadJson, 'leadJson');
  if (lead === null || typeof lead !== 'object' || (lead as { id?: unknown }).id !== input.id)
    throw new StoreInputError(`leadJson must be a JSON object whose id is ${JSON.stringify(input.id)}`);
  return {
    id: input.id,
    status: 'NEW',
    team_id: null as string | null,
    rep_id: null as string | null,
    org_hash: input.orgHash,
    lead_json: input.leadJson,
    received_at: input.receivedAt,
    updated_at: input.receivedAt,
  };
}

type NewLeadRow = ReturnType<typeof newLeadRow> & { readonly duplicate_of: string | null };

/** `insertNew`'s statement for `row` (compiled once per store), marked as an amendable held insert (deferred-writes.ts). */
const insertNewLead = (db: Kysely<Database>, shapes: StatementShapes, row: NewLeadRow): CompiledQuery =>
  amendableInsert(
    shapes.compileRows('leads.insertNew', [row], (rows) => db.insertInto('leads').values(rows as Insertable<Database['leads']>[])),
    'leads',
  );

/**
 * `insertNew`, and the fold of a later update into its insert while the driver still holds it (lane leadfold): per unit
 * of work, the row and the held statement of each lead it inserted this way.
 */
function newLeadInserts(db: Kysely<Database>, shapes: StatementShapes, createdHere: Set<string> | undefined) {
  const held = new Map<string, { readonly row: NewLeadRow; readonly query: CompiledQuery }>();
  return {
    async insertNew(input: Parameters<LeadRepository['insertNew']>[0]): Promise<LeadRecord> {
      const row: NewLeadRow = { ...newLeadRow(input), duplicate_of: null };
      const query = insertNewLead(db, shapes, row);
      await db.executeQuery(query);
      if (createdHere) {
        createdHere.add(input.id);
        held.set(input.id, { row, query });
      }
      return toLead({ ...row, coverage_unscreenable: null });
    },
    /** Folds `patch` into the held insert of `id` if it is still held; false: the caller writes the update. */
    amend(id: string, patch: Partial<NewLeadRow>): boolean {
      const insert = held.get(id);
      if (insert === undefined) return false;
      const row = { ...insert.row, ...patch };
      const query = insertNewLead(db, shapes, row);
      if (!amendHeldWrite(insert.query, query)) {
        held.delete(id);
        return false;
      }
      held.set(id, { row, query });
      return true;
    },
  };
}

/**
 * `createdHere` (transactions only): the ids of the lead rows this transaction inserted. Such a row exists until the
 * commit (leads are never deleted and no other transaction sees it), so an update of it needs no row count back and may
 * be sent later with the transaction's other writes (deferred-writes.ts). An update of a row `insertNew` inserted and
 * the driver still holds replaces the held insert instead (lane leadfold).
 */
function leadWrites(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  createdHere: Set<string> | undefined,
): Pick<LeadRepository, 'lock' | 'claim' | 'insertNew' | 'update' | 'markUnscreenable'> {
  const inserts = newLeadInserts(db, shapes, createdHere);
  return {
    lock: (id) => lockLead(db, caps, id),
    markUnscreenable: (id, reason) => markUnscreenable(db, id, reason),
    insertNew: (input) => inserts.insertNew(input),
    async claim(input) {
      const row = newLeadRow(input);
      const [inserted] = (
        await shapes.run(db, 'leads', [row], (rows) =>
          db
            .insertInto('leads')
            .values(rows)
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id'),
        )
      ).rows;
      if (inserted) {
        createdHere?.add(input.id);
        return { record: toLead({ ...row, duplicate_of: null, coverage_unscreenable: null }), created: true };
      }
      const existing = await lockLead(db, caps, input.id);
      if (!existing) throw new Error(`lead ${input.id} neither inserted nor found`);
      return { record: existing, created: false };
    },
    async update(id, patch) {
      if (!LEAD_STATUSES.includes(patch.status)) throw new StoreInputError(`unknown lead status ${JSON.stringify(patch.status)}`);
      requireInstant(patch.updatedAt, 'lead updatedAt');
      if (patch.status === 'DUPLICATE' && patch.duplicateOf === null)
        throw new StoreInputError(`lead ${id}: a DUPLICATE lead needs duplicateOf`);
      if (patch.duplicateOf !== undefined && patch.duplicateOf !== null) {
        requireText(patch.duplicateOf, 'lead duplicateOf');
        if (patch.duplicateOf === id) throw new StoreInputError(`lead ${id} cannot be a duplicate of itself`);
      }
      const values = {
        status: patch.status,
        team_id: patch.teamId,
        rep_id: patch.repId,
        org_hash: patch.orgHash,
        updated_at: patch.updatedAt,
        ...(patch.duplicateOf !== undefined ? { duplicate_of: patch.duplicateOf } : {}),
        ...(patch.leadJson !== undefined ? { lead_json: (requireJson(patch.leadJson, 'lead leadJson'), patch.leadJson) } : {}),
        id,
      };
      const exists = createdHere?.has(id) === true;
      if (exists && inserts.amend(id, values)) return;
      const r = await shapes.run(
        db,
        'leads.update',
        [values],
        ([v]) => {
          const { id: where, ...set } = v!;
          return db.updateTable('leads').set(set).where('id', '=', where);
        },
        exists ? 'leads' : undefined,
      );
      if (!exists && Number(r.numAffectedRows) !== 1) throw new StoreInputError(`lead ${id} does not exist`);
    },
  };
}

/** Migration 0044: the coverage release's mark (a plain update: the lead row exists, it was read under its lock). */
async function markUnscreenable(db: Kysely<Database>, id: string, reason: string): Promise<void> {
  requireText(reason, 'unscreenable reason');
  const r = await db.updateTable('leads').set({ coverage_unscreenable: reason }).where('id', '=', id).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new StoreInputError(`lead ${id} does not exist`);
}

function leadReads(db: Kysely<Database>): Pick<LeadRepository, 'get' | 'list' | 'idleSince' | 'page'> {
  return {
    async get(id) {
      const row = await db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toLead(row) : undefined;
    },
    async list(filter = {}) {
      let q = db.selectFrom('leads').selectAll();
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (filter.repId !== undefined) q = q.where('rep_id', '=', filter.repId);
      const rows = await q.orderBy('received_at').orderBy('id').execute();
      return rows.map(toLead);
    },
    async idleSince(filter) {
      requireInstant(filter.before, 'before');
      if (filter.statuses.length === 0) return [];
      const rows = await db
        .selectFrom('leads')
        .select('id')
        .where('status', 'in', [...filter.statuses])
        .where('updated_at', '<', filter.before)
        .orderBy('updated_at')
        .orderBy('id')
        .limit(requireLimit(filter.limit))
        .execute();
      return rows.map((r) => r.id);
    },
    async page(filter) {
      const limit = requireLimit(filter.limit);
      let q = db.selectFrom('leads').selectAll();
      if (filter.status !== undefined) {
        if (!LEAD_STATUSES.includes(filter.status)) throw new StoreInputError(`unknown lead status ${JSON.stringify(filter.status)}`);
        q = q.where('status', '=', filter.status);
      }
      if (filter.repId !== undefined) q = q.where('rep_id', '=', filter.repId);
      if (filter.teamId !== undefined) q = q.where('team_id', '=', filter.teamId);
      if (filter.receivedFrom !== undefined) q = q.where('received_at', '>=', normaliseInstant(filter.receivedFrom, 'receivedFrom'));
      if (filter.receivedTo !== undefined) q = q.where('received_at', '<', normaliseInstant(filter.receivedTo, 'receivedTo'));
      const review = filter.openReview;
      if (review !== undefined) {
        requireText(review.kind, 'openReview.kind');
        requireText(review.requestedBy, 'openReview.requestedBy');
        q = q.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('reviews')
              .select('reviews.id')
              .whereRef('reviews.lead_id', '=', 'leads.id')
              .where('reviews.status', '=', 'OPEN')
              .where('reviews.kind', '=', review.kind)
              .where('reviews.requested_by', '=', review.requestedBy),
          ),
        );
      }
      if (filter.unscreenable !== undefined) q = q.where('coverage_unscreenable', filter.unscreenable ? 'is not' : 'is', null);
      if (filter.after !== undefined) q = q.where(await afterCursor(db, 'leads', 'received_at', filter.after, 'lead'));
      const rows = await q.orderBy('received_at').orderBy('id').limit(limit).execute();
      return rows.map(toLead);
    },
  };
}
