import type { Kysely, Selectable } from 'kysely';
import type {
  ListVersionRecord,
  PendingReloadRecord,
  PendingReloadStatus,
  ScreeningListRepository,
} from '../ports/screening-lists.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { Database } from './schema.ts';
import type { ScreeningListReloadsTable, ScreeningListVersionsTable } from './screening-schema.ts';

const STATUSES: readonly PendingReloadStatus[] = ['pending', 'approved', 'superseded'];

function requireCount(n: unknown, what: string): void {
  if (!Number.isSafeInteger(n) || (n as number) < 0) throw new StoreInputError(`${what} must be a non-negative integer`);
}

const toVersion = (r: Selectable<ScreeningListVersionsTable>): ListVersionRecord => ({
  sourceId: r.source_id,
  sha256: r.sha256,
  entryCount: Number(r.entry_count),
  loadedAt: r.loaded_at,
  loadedBy: r.loaded_by,
});

const toPending = (r: Selectable<ScreeningListReloadsTable>): PendingReloadRecord => ({
  id: r.id,
  sourceId: r.source_id,
  status: r.status as PendingReloadStatus,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  oldSha256: r.old_sha256,
  oldEntryCount: r.old_entry_count === null ? null : Number(r.old_entry_count),
  newSha256: r.new_sha256,
  newEntryCount: Number(r.new_entry_count),
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

/** The first check of a source is an insert; a later one moves the due time only if it is due (one winner per period). */
async function claimScheduledCheck(db: Kysely<Database>, sourceId: string, by: string, at: string, nextAt: string): Promise<boolean> {
  if (!(nextAt > at)) throw new StoreInputError('the next check must be due after this one');
  const row = { source_id: sourceId, next_check_at: nextAt, checked_by: by, checked_at: at };
  const first = await db
    .insertInto('screening_list_checks')
    .values(row)
    .onConflict((oc) => oc.column('source_id').doNothing())
    .executeTakeFirst();
  if (Number(first.numInsertedOrUpdatedRows ?? 0) === 1) return true;
  const r = await db
    .updateTable('screening_list_checks')
    .set({ next_check_at: nextAt, checked_by: by, checked_at: at })
    .where('source_id', '=', sourceId)
    .where('next_check_at', '<=', at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function screeningListRepository(db: Kysely<Database>): ScreeningListRepository {
  const supersede = async (sourceId: string, by: string, at: string): Promise<number> => {
    const r = await db
      .updateTable('screening_list_reloads')
      .set({ status: 'superseded', decided_by: by, decided_at: at })
      .where('source_id', '=', sourceId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  };
  return {
    async inForce() {
      return (await db.selectFrom('screening_list_versions').selectAll().orderBy('source_id').execute()).map(toVersion);
    },
    async setInForce(r) {
      requireCount(r.entryCount, 'entryCount');
      const row = { source_id: r.sourceId, sha256: r.sha256, entry_count: r.entryCount, loaded_at: r.loadedAt, loaded_by: r.loadedBy };
      await db
        .insertInto('screening_list_versions')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('source_id')
            .doUpdateSet({ sha256: row.sha256, entry_count: row.entry_count, loaded_at: row.loaded_at, loaded_by: row.loaded_by }),
        )
        .execute();
    },
    async addPending(r) {
      if (r.status !== 'pending') throw new StoreInputError('a new reload must be pending');
      requireCount(r.newEntryCount, 'newEntryCount');
      await supersede(r.sourceId, r.requestedBy, r.requestedAt);
      await db
        .insertInto('screening_list_reloads')
        .values({
          id: r.id,
          source_id: r.sourceId,
          status: r.status,
          requested_by: r.requestedBy,
          requested_at: r.requestedAt,
          old_sha256: r.oldSha256,
          old_entry_count: r.oldEntryCount,
          new_sha256: r.newSha256,
          new_entry_count: r.newEntryCount,
          decided_by: null,
          decided_at: null,
        })
        .execute();
    },
    async getPending(id) {
      const row = await db.selectFrom('screening_list_reloads').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toPending(row) : undefined;
    },
    async listPending() {
      return (
        await db
          .selectFrom('screening_list_reloads')
          .selectAll()
          .where('status', '=', 'pending')
          .orderBy('requested_at')
          .orderBy('id')
          .execute()
      ).map(toPending);
    },
    async decide(id, status, by, at) {
      if (!STATUSES.includes(status) || status === ('pending' as string))
        throw new StoreInputError(`cannot decide a reload as ${JSON.stringify(status)}`);
      const r = await db
        .updateTable('screening_list_reloads')
        .set({ status, decided_by: by, decided_at: at })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    supersede,
    claimScheduledCheck: (sourceId, by, at, nextAt) => claimScheduledCheck(db, sourceId, by, at, nextAt),
  };
}
