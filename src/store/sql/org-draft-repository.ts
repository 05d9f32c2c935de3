import type { Kysely, Selectable } from 'kysely';
import type { OrgDraftClass, OrgDraftRecord, OrgDraftRepository, OrgDraftStatus } from '../ports/org-drafts.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireJson, requireText } from './input-checks.ts';
import type { Database, OrgDraftsTable } from './schema.ts';

const toDraft = (r: Selectable<OrgDraftsTable>): OrgDraftRecord => ({
  id: r.id,
  status: r.status as OrgDraftStatus,
  classification: r.classification as OrgDraftClass,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  reason: r.reason,
  baseHash: r.base_hash,
  draftHash: r.draft_hash,
  version: r.version,
  configJson: r.config_json,
  diffJson: r.diff_json,
  simulationJson: r.simulation_json,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
});

function checkDraft(r: OrgDraftRecord): void {
  requireText(r.id, 'org draft id');
  requireText(r.requestedBy, 'org draft requestedBy');
  requireInstant(r.requestedAt, 'org draft requestedAt');
  requireText(r.baseHash, 'org draft baseHash');
  requireText(r.draftHash, 'org draft draftHash');
  requireJson(r.configJson, 'org draft configJson');
  requireJson(r.diffJson, 'org draft diffJson');
  requireJson(r.simulationJson, 'org draft simulationJson');
}

export function orgDraftRepository(db: Kysely<Database>): OrgDraftRepository {
  return {
    async add(r) {
      checkDraft(r);
      await db
        .insertInto('org_drafts')
        .values({
          id: r.id,
          status: r.status,
          classification: r.classification,
          requested_by: r.requestedBy,
          requested_at: r.requestedAt,
          reason: r.reason,
          base_hash: r.baseHash,
          draft_hash: r.draftHash,
          version: r.version,
          config_json: r.configJson,
          diff_json: r.diffJson,
          simulation_json: r.simulationJson,
          decided_by: r.decidedBy,
          decided_at: r.decidedAt,
          decision_reason: r.decisionReason,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('org_drafts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDraft(row) : undefined;
    },
    async list(filter) {
      let q = db.selectFrom('org_drafts').selectAll();
      if (filter.status) q = q.where('status', '=', filter.status);
      const rows = await q.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
      return rows.map(toDraft);
    },
    async decide(id, d) {
      if (d.status !== 'published' && d.status !== 'rejected')
        throw new StoreInputError(`cannot decide a draft as ${JSON.stringify(d.status)}`);
      requireText(d.by, 'org draft decidedBy');
      requireInstant(d.at, 'org draft decidedAt');
      const r = await db
        .updateTable('org_drafts')
        .set({ status: d.status, decided_by: d.by, decided_at: d.at, decision_reason: d.reason })
        .where('id', '=', id)
        .where('status', '=', 'pending_approval')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}
