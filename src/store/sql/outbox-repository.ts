import { type Kysely, type Selectable, sql } from 'kysely';
import type { DeliveryRecord, DeliveryStatus, OutboxRepository, WebhookSubscriptionRecord } from '../ports/outbox.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import { normaliseInstant, requireInstant, requireJson, requireLimit, requireText } from './input-checks.ts';
import { afterCursor } from './keyset-page.ts';
import { pruneFinishedRows } from './prune-finished.ts';
import type { Database, WebhookSubscriptionsTable } from './schema.ts';
import type { StatementShapes } from './statement-shapes.ts';
import { toGenerations, type CachedReads, type Generations } from './table-generations.ts';

// Outbox and webhook deliveries.

const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['PENDING', 'DELIVERED', 'DEAD'];

const toSubscription = (r: Selectable<WebhookSubscriptionsTable>): WebhookSubscriptionRecord => ({
  id: r.id,
  url: r.url,
  secret: r.secret,
  events: JSON.parse(r.events_json) as string[],
  active: Number(r.active) === 1,
  createdAt: r.created_at,
});

interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  subscription_id: string;
  payload_json: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  subscriptionId: r.subscription_id,
  payloadJson: r.payload_json,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** Deliveries joined with their event (type and payload live on the shared event row). */
const deliveries = (db: Kysely<Database>) =>
  db
    .selectFrom('deliveries')
    .innerJoin('outbox_events', 'outbox_events.event_id', 'deliveries.event_id')
    .select([
      'deliveries.id',
      'deliveries.event_id',
      'outbox_events.event_type',
      'deliveries.subscription_id',
      'outbox_events.payload_json',
      'deliveries.status',
      'deliveries.attempts',
      'deliveries.next_attempt_at',
      'deliveries.last_error',
      'deliveries.created_at',
      'deliveries.delivered_at',
    ]);
const failIfNotPending = async (db: Kysely<Database>, id: string, updated: bigint): Promise<void> => {
  if (Number(updated) === 1) return;
  const row = await db.selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirst();
  throw new StoreInputError(row ? `delivery ${id} is ${row.status}, not PENDING` : `delivery ${id} does not exist`);
};

export function outboxRepository(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  cached: CachedReads,
  shapes: StatementShapes,
): OutboxRepository {
  return { ...subscriptions(db, caps, cached, shapes), ...deliveryAttempts(db, caps), ...deliveryQueries(db) };
}

/** The active subscriptions every outbox event is matched against: from memory while unchanged (table-generations.ts). */
const activeSubscriptions = (db: Kysely<Database>, cached: CachedReads) => (known?: Generations) =>
  cached.read(
    'webhook_subscriptions',
    async () =>
      Object.freeze(
        (await db.selectFrom('webhook_subscriptions').selectAll().where('active', '=', 1).orderBy('id').execute()).map((r) =>
          Object.freeze(toSubscription(r)),
        ),
      ),
    known,
  );

/**
 * Inserts the outbox event. When this unit of work has not read the table generations yet, the insert carries that
 * read and the counters are returned: one statement instead of two. PostgreSQL: the insert rides in a WITH of the read
 * (a data-modifying WITH always runs, once), one round trip; when it has read them (with the routing locks:
 * routing-state-repository.ts), nothing is read back, so the insert is a deferrable write (lane pg5) and travels with
 * the transaction's next statement or its COMMIT. SQLite has no data-modifying WITH, but RETURNING may hold a subquery:
 * the counters come back as one JSON object (lane sqlcpu: a lead's second counters read, its notification planning's,
 * was a statement of its own). The counters are text in it, as exact as the plain read. A statement costs SQLite no
 * round trip, so its plain insert runs at once, as before.
 */
async function insertEvent(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  cached: CachedReads,
  shapes: StatementShapes,
  values: { event_id: string; event_type: string; payload_json: string; created_at: string },
): Promise<Generations | undefined> {
  if (caps.dialect === 'postgres' && !cached.hasGenerations)
    return toGenerations(
      await db
        .with('inserted_event', (q) => q.insertInto('outbox_events').values(values))
        .selectFrom('table_generations')
        .select(['name', 'generation'])
        .execute(),
    );
  if (caps.dialect === 'sqlite' && !cached.hasGenerations) {
    const inserted = await shapes.run(db, 'outbox_events+generations', [values], (rows) =>
      db.insertInto('outbox_events').values(rows).returning(COUNTERS_AS_JSON),
    );
    return fromCountersJson(inserted.rows[0]?.generations);
  }
  await shapes.run(
    db,
    'outbox_events',
    [values],
    (rows) => db.insertInto('outbox_events').values(rows),
    heldOnPostgres(caps, 'outbox_events'),
  );
  return undefined;
}

/** SQLite: every table's counter as one JSON object `{"users":"3",…}`, for a RETURNING clause. */
const COUNTERS_AS_JSON = sql<string>`(select json_group_object(name, cast(generation as text)) from table_generations)`.as('generations');

const fromCountersJson = (text: string | undefined): Generations =>
  new Map(Object.entries(JSON.parse(text ?? '{}') as Record<string, string>));

/**
 * Lane pg5: the outbox writes return nothing the caller reads, so PostgreSQL may hold them (deferred-writes.ts; the
 * deliveries' foreign key to their event is checked at the end of the statement carrying both). SQLite writes them at
 * once, as before (its statement counts are pinned, and it has no round trip to save).
 */
const heldOnPostgres = (caps: StoreCapabilities, table: 'outbox_events' | 'deliveries') =>
  caps.dialect === 'postgres' ? table : undefined;

function subscriptions(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  cached: CachedReads,
  shapes: StatementShapes,
): Pick<OutboxRepository, 'upsertSubscription' | 'listSubscriptions' | 'enqueue'> {
  const active = activeSubscriptions(db, cached);
  return {
    async upsertSubscription(rec) {
      requireText(rec.id, 'subscription id');
      requireText(rec.url, 'subscription url');
      requireText(rec.secret, 'subscription secret');
      if (!Array.isArray(rec.events) || rec.events.length === 0) throw new StoreInputError('subscription events must be a non-empty array');
      for (const e of rec.events) requireText(e, 'subscription event type');
      if (typeof rec.active !== 'boolean') throw new StoreInputError('subscription active must be a boolean');
      requireInstant(rec.createdAt, 'subscription createdAt');
      await db
        .insertInto('webhook_subscriptions')
        .values({
          id: rec.id,
          url: rec.url,
          secret: rec.secret,
          events_json: JSON.stringify(rec.events),
          active: rec.active ? 1 : 0,
          created_at: rec.createdAt,
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            url: (eb) => eb.ref('excluded.url'),
            secret: (eb) => eb.ref('excluded.secret'),
            events_json: (eb) => eb.ref('excluded.events_json'),
            active: (eb) => eb.ref('excluded.active'),
            created_at: (eb) => eb.ref('excluded.created_at'),
          }),
        )
        .execute();
      cached.wrote('webhook_subscriptions');
    },
    async listSubscriptions() {
      const rows = await db.selectFrom('webhook_subscriptions').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toSubscription);
    },
    async enqueue(event, newDeliveryId) {
      requireText(event.eventId, 'outbox eventId');
      requireText(event.eventType, 'outbox eventType');
      requireJson(event.payloadJson, 'outbox payloadJson');
      requireInstant(event.createdAt, 'outbox createdAt');
      const values = { event_id: event.eventId, event_type: event.eventType, payload_json: event.payloadJson, created_at: event.createdAt };
      const subs = await active(await insertEvent(db, caps, cached, shapes, values));
      const matching = subs.filter((s) => s.events.includes('*') || s.events.includes(event.eventType));
      if (matching.length === 0) return 0;
      const rows = matching.map((s) => {
        const id = newDeliveryId();
        requireText(id, 'delivery id');
        return {
          id,
          event_id: event.eventId,
          subscription_id: s.id,
          status: 'PENDING',
          attempts: 0,
          next_attempt_at: event.createdAt,
          last_error: null,
          created_at: event.createdAt,
          delivered_at: null,
        };
      });
      await shapes.run(db, 'deliveries', rows, (r) => db.insertInto('deliveries').values(r), heldOnPostgres(caps, 'deliveries'));
      return rows.length;
    },
  };
}

function deliveryAttempts(
  db: Kysely<Database>,
  caps: StoreCapabilities,
): Pick<OutboxRepository, 'claimDue' | 'lease' | 'markDelivered' | 'markFailed' | 'redrive'> {
  return {
    async claimDue(now, limit) {
      requireInstant(now, 'now');
      const n = requireLimit(limit);
      const rows = await deliveries(db)
        .where('deliveries.status', '=', 'PENDING')
        .where('deliveries.next_attempt_at', '<=', normaliseInstant(now, 'now'))
        .orderBy('deliveries.next_attempt_at')
        .orderBy('deliveries.id')
        .limit(n)
        // Lock only the delivery rows: the event row is shared by the deliveries of all subscribers.
        .$if(caps.rowLocks, (q) => q.forUpdate('deliveries').skipLocked())
        .execute();
      return rows.map(toDelivery);
    },
    async lease(id, until) {
      requireInstant(until, 'lease until');
      const r = await db
        .updateTable('deliveries')
        .set({ next_attempt_at: until })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      await failIfNotPending(db, id, r.numUpdatedRows);
    },
    async markDelivered(id, at) {
      requireInstant(at, 'deliveredAt');
      const r = await db
        .updateTable('deliveries')
        .set({ status: 'DELIVERED', attempts: sql<number>`attempts + 1`, delivered_at: at, last_error: null })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      await failIfNotPending(db, id, r.numUpdatedRows);
    },
    async markFailed(id, patch) {
      if (typeof patch.error !== 'string') throw new StoreInputError('delivery error must be a string');
      if (patch.nextAttemptAt !== null) requireInstant(patch.nextAttemptAt, 'delivery nextAttemptAt');
      const r = await db
        .updateTable('deliveries')
        .set(
          patch.nextAttemptAt === null
            ? { status: 'DEAD', attempts: sql<number>`attempts + 1`, last_error: patch.error }
            : { status: 'PENDING', attempts: sql<number>`attempts + 1`, last_error: patch.error, next_attempt_at: patch.nextAttemptAt },
        )
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      await failIfNotPending(db, id, r.numUpdatedRows);
    },
    async redrive(id, now) {
      requireInstant(now, 'now');
      const r = await db
        .updateTable('deliveries')
        .set({ status: 'PENDING', next_attempt_at: now })
        .where('id', '=', id)
        .where('status', '=', 'DEAD')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

function deliveryQueries(db: Kysely<Database>): Pick<OutboxRepository, 'getDelivery' | 'pruneFinishedDeliveries' | 'listDeliveries'> {
  return {
    async getDelivery(id) {
      const row = await deliveries(db).where('deliveries.id', '=', id).executeTakeFirst();
      return row ? toDelivery(row) : undefined;
    },
    pruneFinishedDeliveries: (before, opts) => pruneFinishedRows(db, 'deliveries', ['DELIVERED', 'DEAD'], before, opts.dryRun),
    async listDeliveries(filter) {
      const limit = requireLimit(filter.limit);
      let q = deliveries(db);
      if (filter.status !== undefined) {
        if (!DELIVERY_STATUSES.includes(filter.status))
          throw new StoreInputError(`unknown delivery status ${JSON.stringify(filter.status)}`);
        q = q.where('deliveries.status', '=', filter.status);
      }
      if (filter.after !== undefined) q = q.where(await afterCursor(db, 'deliveries', 'created_at', filter.after, 'delivery'));
      const rows = await q.orderBy('deliveries.created_at').orderBy('deliveries.id').limit(limit).execute();
      return rows.map(toDelivery);
    },
  };
}
