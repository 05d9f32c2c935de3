import { type Kysely, sql } from 'kysely';
import type { NotificationChannel, NotificationRecord, NotificationRepository, NotificationStatus } from '../ports/notifications.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { normaliseInstant, requireInstant, requireJson, requireLimit, requireText } from './input-checks.ts';
import { leaseDueRows } from './lease-claims.ts';
import type { Database } from './schema.ts';

const STATUSES: readonly NotificationStatus[] = ['PENDING', 'SENT', 'DEAD'];
const CHANNELS: readonly NotificationChannel[] = ['email'];

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
});

async function failIfNotPending(db: Kysely<Database>, id: string, updated: bigint): Promise<void> {
  if (Number(updated) === 1) return;
  const row = await db.selectFrom('notifications').select('status').where('id', '=', id).executeTakeFirst();
  throw new StoreInputError(row ? `notification ${id} is ${row.status}, not PENDING` : `notification ${id} does not exist`);
}

export function notificationRepository(db: Kysely<Database>): NotificationRepository {
  return { ...writes(db), ...attempts(db), ...preferences(db) };
}

function preferences(db: Kysely<Database>): Pick<NotificationRepository, 'setPreferences' | 'preferences'> {
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
    },
    async preferences() {
      const all = await db.selectFrom('notification_preferences').selectAll().orderBy('user_id').execute();
      return new Map(all.map((r) => [r.user_id, r.preferences_json]));
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
        if (!CHANNELS.includes(n.channel)) throw new StoreInputError(`unknown notification channel ${JSON.stringify(n.channel)}`);
        requireText(n.recipient, 'notification recipient');
        requireInstant(n.createdAt, 'notification createdAt');
      }
      await db
        .insertInto('notifications')
        .values(
          list.map((n) => ({
            id: n.id,
            event_id: n.eventId,
            channel: n.channel,
            recipient: n.recipient,
            status: 'PENDING',
            attempts: 0,
            next_attempt_at: n.createdAt,
            last_error: null,
            created_at: n.createdAt,
            sent_at: null,
          })),
        )
        .execute();
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
      return (await leaseDueRows(db, 'notifications', due, leaseUntil)).map(toRecord);
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
