import type { Kysely, Selectable } from 'kysely';
import type { PresenceStatus, RepPresenceRecord, RepPresenceRepository } from '../ports/rep-presence.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireText } from './input-checks.ts';
import type { Database, RepPresenceTable } from './schema.ts';
import type { StatementShapes } from './statement-shapes.ts';

const STATUSES: readonly PresenceStatus[] = ['available', 'away'];

export const toPresenceRecord = (r: Selectable<RepPresenceTable>): RepPresenceRecord => ({
  repId: r.rep_id,
  status: r.status as PresenceStatus,
  since: r.since,
  until: r.until,
  setBy: r.set_by,
  reason: r.reason,
});

function requireRecord(rec: RepPresenceRecord): void {
  requireText(rec.repId, 'rep id');
  if (!STATUSES.includes(rec.status)) throw new StoreInputError(`unknown presence status ${JSON.stringify(rec.status)}`);
  requireInstant(rec.since, 'presence since');
  if (rec.until !== null) {
    requireInstant(rec.until, 'presence until');
    if (rec.status !== 'away') throw new StoreInputError('only an away presence has an until');
    if (Date.parse(rec.until) <= Date.parse(rec.since)) throw new StoreInputError('presence until must be after since');
  }
  requireText(rec.setBy, 'presence setBy');
  if (rec.reason !== null) requireText(rec.reason, 'presence reason');
}

export function repPresenceRepository(db: Kysely<Database>, shapes: StatementShapes): RepPresenceRepository {
  return {
    async get(repId) {
      requireText(repId, 'rep id');
      const row = await db.selectFrom('rep_presence').selectAll().where('rep_id', '=', repId).executeTakeFirst();
      return row ? toPresenceRecord(row) : undefined;
    },
    async put(rec) {
      requireRecord(rec);
      const values = { status: rec.status, since: rec.since, until: rec.until, set_by: rec.setBy, reason: rec.reason };
      await db
        .insertInto('rep_presence')
        .values({ rep_id: rec.repId, ...values })
        .onConflict((oc) => oc.column('rep_id').doUpdateSet(values))
        .execute();
    },
    async listAway(repIds) {
      if (repIds) for (const id of repIds) requireText(id, 'rep id');
      if (repIds && repIds.length === 0) return [];
      const { rows } = await db.executeQuery(
        repIds ? awayQuery(db, shapes, repIds) : db.selectFrom('rep_presence').selectAll().where('status', '=', 'away').orderBy('rep_id'),
      );
      return rows.map(toPresenceRecord);
    },
  };
}

/**
 * The away records of these reps (at least one), by rep id. Every lead reads its candidates' presence: compiled once per
 * candidate count (statement-shapes.ts). Also sent behind the rep locks by routing-state-repository.ts.
 */
export const awayQuery = (db: Kysely<Database>, shapes: StatementShapes, repIds: readonly string[]) =>
  shapes.compile('rep_presence.away', { status: 'away', repIds: [...new Set(repIds)] }, (p) =>
    db.selectFrom('rep_presence').selectAll().where('status', '=', p.status).where('rep_id', 'in', p.repIds).orderBy('rep_id'),
  );
