import { type Kysely, sql } from 'kysely';
import {
  NOTIFICATION_CHANNELS,
  type NotificationChannel,
  type NotificationRecord,
  type NotificationRepository,
  type NotificationStatus,
} from '../ports/notifications.port.ts';
import { leaseDueGroups } from './lease-claims.ts';
import { StoreInputError } from '../store-errors.ts';
import { pruneFinishedRows } from './prune-finished.ts';
import { afterCursor } from './keyset-page.ts';
import { normaliseInstant, requireInstant, requireJson, requireLimit, requireText } from './input-checks.ts';
import { deferrable } from './deferred-writes.ts';
import type { Database } from './schema.ts';
import type { CachedReads } from './table-generations.ts';

const STATUSES: readonly NotificationStatus[] = ['PENDING', 'SENT', 'DEAD'];
/** Rows retention may delete: nothing is left to send. */
const FINISHED: readonly NotificationStatus[] = ['SENT', 'DEAD'];

const rows = (db: Kysely<Database>) =>
  db
    .selectFrom('notifications')
    .innerJoin('outbox_events', 'outbox_events.event_id', 'notifications.event_id')
    .select([
      'notifications.id',
      'notifications.event_id',
      'outbox_events.event_type',
      'outbox_events.payload_json',
      'notifications.channel',
      'notifications.recipient',
      'notifications.status',
      'notifications.attempts',
      'notifications.next_attempt_at',
      'notifications.last_error',
      'notifications.created_at',
      'notifications.sent_at',
      'notifications.digest_key',
      'notifications.read_at',
    ]);

type Row = Awaited<ReturnType<ReturnType<typeof rows>['executeTakeFirstOrThrow']>>;

const toRecord = (r: Row): NotificationRecord => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  payloadJson: r.payload_json,
  channel: r.channel as NotificationChannel,
  recipient: r.recipient,
  status: r.status as NotificationStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  digestKey: r.digest_key,
  readAt: r.read_at,
});

async function failIfNotPending(db: Kysely<Database>, id: string, updated: bigint): Promise<void> {
  if (Number(updated) === 1) return;
  const row = await db.selectFrom('notifications').select('status').where('id', '=', id).executeTakeFirst();
  throw new StoreInputError(row ? `notification ${id} is ${row.status}, not PENDING` : `notification ${id} does not exist`);
}

export function notificationRepository(db: Kysely<Database>, cached: CachedReads): NotificationRepository {
  return { ...writes(db), ...attempts(db), ...preferences(db, cached), ...retention(db), ...inbox(db) };
}

function preferences(
  db: Kysely<Database>,
  cached: CachedReads,
): Pick<NotificationRepository, 'setPreferences' | 'preferences' | 'preferencesOf'> {
  return {
    async setPreferences(userId, preferencesJson, at) {
      requireText(userId, 'user id');
      requireJson(preferencesJson, 'notification preferences');
      requireInstant(at, 'preferences updatedAt');
      await db
        .insertInto('notification_preferences')
        .values({ user_id: userId, preferences_json: preferencesJson, updated_at: at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ preferences_json: preferencesJson, updated_at: at }))
        .execute();
      cached.wrote('notification_preferences');
    },
    // Read whole for every notified event (notification-planner.ts): from memory while unchanged (table-generations.ts).
    preferences: () =>
      cached.read('notification_preferences', async (): Promise<ReadonlyMap<string, string>> => {
        const all = await db.selectFrom('notification_preferences').selectAll().orderBy('user_id').execute();
        return new Map(all.map((r) => [r.user_id, r.preferences_json]));
      }),
    async preferencesOf(userId) {
      const row = await db
        .selectFrom('notification_preferences')
        .select('preferences_json')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.preferences_json;
    },
  };
}

/** The console inbox: `inbox` rows whose recipient is the owner's user id; only the owner's rows are ever touched. */
function inbox(db: Kysely<Database>): Pick<NotificationRepository, 'inbox' | 'unreadCount' | 'markRead' | 'markAllRead'> {
  const mine = (userId: string) => rows(db).where('notifications.channel', '=', 'inbox').where('notifications.recipient', '=', userId);
  return {
    async inbox(userId, page) {
      requireText(userId, 'user id');
      const limit = requireLimit(page.limit);
      let q = mine(userId);
      if (page.before !== undefined) {
        // The cursor must be one of the caller's own rows: another person's id is an unknown cursor, not a peek.
        const own = await mine(userId).where('notifications.id', '=', page.before).executeTakeFirst();
        if (!own) throw new StoreInputError(`unknown cursor: no inbox item ${JSON.stringify(page.before)}`);
        q = q.where(await afterCursor(db, 'notifications', 'created_at', page.before, 'inbox item', 'desc'));
      }
      return (await q.orderBy('notifications.created_at', 'desc').orderBy('notifications.id', 'desc').limit(limit).execute()).map(toRecord);
    },
    async unreadCount(userId) {
      const unread = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
        .where('channel', '=', 'inbox')
        .where('recipient', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(unread.n);
    },
    async markRead(userId, id, at) {
      requireInstant(at, 'readAt');
      const own = await mine(userId).where('notifications.id', '=', id).executeTakeFirst();
      if (!own) return false;
      await db.updateTable('notifications').set({ read_at: at }).where('id', '=', id).where('read_at', 'is', null).execute();
      return true;
    },
    async markAllRead(userId, at) {
      requireInstant(at, 'readAt');
      const r = await db
        .updateTable('notifications')
        .set({ read_at: at })
        .where('channel', '=', 'inbox')
        .where('recipient', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  };
}

function writes(db: Kysely<Database>): Pick<NotificationRepository, 'add' | 'get' | 'list' | 'redrive'> {
  return {
    async add(list) {
      if (list.length === 0) return;
      for (const n of list) {
        requireText(n.id, 'notification id');
        requireText(n.eventId, 'notification eventId');
        if (!(NOTIFICATION_CHANNELS as readonly string[]).includes(n.channel))
          throw new StoreInputError(`unknown notification channel ${JSON.stringify(n.channel)}`);
        requireText(n.recipient, 'notification recipient');
        requireInstant(n.createdAt, 'notification createdAt');
        if (n.dueAt !== undefined) requireInstant(n.dueAt, 'notification dueAt');
        if (n.digestKey !== undefined && n.digestKey !== null) requireText(n.digestKey, 'notification digestKey');
      }
      const insert = db.insertInto('notifications').values(
        list.map((n) => ({
          id: n.id,
          event_id: n.eventId,
          channel: n.channel,
          recipient: n.recipient,
          status: 'PENDING',
          attempts: 0,
          next_attempt_at: n.dueAt ?? n.createdAt,
          last_error: null,
          created_at: n.createdAt,
          sent_at: null,
          digest_key: n.digestKey ?? null,
          read_at: null,
        })),
      );
      await db.executeQuery(deferrable(insert.compile(), 'notifications'));
    },
    async get(id) {
      const row = await rows(db).where('notifications.id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async list(filter) {
      const limit = requireLimit(filter.limit);
      let q = rows(db);
      if (filter.status !== undefined) {
        if (!STATUSES.includes(filter.status)) throw new StoreInputError(`unknown notification status ${JSON.stringify(filter.status)}`);
        q = q.where('notifications.status', '=', filter.status);
      }
      return (await q.orderBy('notifications.created_at').orderBy('notifications.id').limit(limit).execute()).map(toRecord);
    },
    async redrive(id, now) {
      requireInstant(now, 'now');
      const r = await db
        .updateTable('notifications')
        .set({ status: 'PENDING', next_attempt_at: now })
        .where('id', '=', id)
        .where('status', '=', 'DEAD')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

function attempts(db: Kysely<Database>): Pick<NotificationRepository, 'claimDue' | 'markSent' | 'markFailed'> {
  return {
    async claimDue(now, limit, leaseUntil) {
      requireInstant(leaseUntil, 'lease until');
      const due = await rows(db)
        .where('notifications.status', '=', 'PENDING')
        .where('notifications.next_attempt_at', '<=', normaliseInstant(now, 'now'))
        .orderBy('notifications.next_attempt_at')
        .orderBy('notifications.id')
        .limit(requireLimit(limit))
        .execute();
      // A row on its own is a group of one; a digest's rows are leased together, all or none.
      return (await leaseDueGroups(db, 'notifications', await wholeDigests(db, due), leaseUntil)).map(toRecord);
    },
    async markSent(id, at) {
      requireInstant(at, 'sentAt');
      const r = await db
        .updateTable('notifications')
        .set({ status: 'SENT', attempts: sql<number>`attempts + 1`, sent_at: at, last_error: null })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      await failIfNotPending(db, id, r.numUpdatedRows);
    },
    async markFailed(id, patch) {
      if (typeof patch.error !== 'string') throw new StoreInputError('notification error must be a string');
      if (patch.nextAttemptAt !== null) requireInstant(patch.nextAttemptAt, 'notification nextAttemptAt');
      const failed = { attempts: sql<number>`attempts + 1`, last_error: patch.error };
      const r = await db
        .updateTable('notifications')
        .set(patch.nextAttemptAt === null ? { ...failed, status: 'DEAD' } : { ...failed, next_attempt_at: patch.nextAttemptAt })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      await failIfNotPending(db, id, r.numUpdatedRows);
    },
  };
}

/**
 * Due rows in claim order, one group per message: a row on its own, or every PENDING row of a digest (same channel,
 * recipient, digest key and due time), including members the limit cut off.
 */
async function wholeDigests(db: Kysely<Database>, due: readonly Row[]): Promise<Row[][]> {
  const groups = new Map<string, Row[]>();
  for (const row of due) {
    const key =
      row.digest_key === null ? `row:${row.id}` : JSON.stringify([row.channel, row.recipient, row.digest_key, row.next_attempt_at]);
    if (groups.has(key)) continue;
    if (row.digest_key === null) groups.set(key, [row]);
    else
      groups.set(
        key,
        await rows(db)
          .where('notifications.status', '=', 'PENDING')
          .where('notifications.channel', '=', row.channel)
          .where('notifications.recipient', '=', row.recipient)
          .where('notifications.digest_key', '=', row.digest_key)
          .where('notifications.next_attempt_at', '=', row.next_attempt_at)
          .orderBy('notifications.id')
          .execute(),
      );
  }
  return [...groups.values()];
}

function retention(db: Kysely<Database>): Pick<NotificationRepository, 'pruneFinished'> {
  return {
    pruneFinished: (before, opts) => pruneFinishedRows(db, 'notifications', FINISHED, before, opts.dryRun),
  };
}
