import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import { appendOnly } from './append-only.ts';
import type { Migration } from './migration.ts';

// Literal copies, not imports: a released migration must not change when the port grows.
const LEAD_STATUSES =
  `('NEW','ASSIGNED','QUEUED','REFUSED','HELD','NURTURE','CLOSED','DUPLICATE',` +
  `'ACCEPTED','CONTACTED','QUALIFIED','PROPOSAL','WON','LOST','ERASED')`;
const REVIEW_STATUSES = `('OPEN','APPROVED','REJECTED')`;
const DELIVERY_STATUSES = `('PENDING','DELIVERED','DEAD')`;
const ROLES = `('admin','ops','compliance','rep','integration')`;
const DUPLICATE_CHECK = `(status <> 'DUPLICATE' or duplicate_of is not null) and (duplicate_of is null or duplicate_of <> id)`;

async function exec<DB>(db: Kysely<DB>, text: string): Promise<void> {
  await sql.raw(text).execute(db);
}

/** The leads table as 0002 defines it (used by the SQLite rebuild). */
async function createLeads<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('leads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().check(sql.raw(`status in ${LEAD_STATUSES}`)))
    .addColumn('team_id', 'text')
    .addColumn('rep_id', 'text')
    .addColumn('org_hash', 'text', (c) => c.notNull().references('org_versions.hash'))
    .addColumn('lead_json', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('duplicate_of', 'text', (c) => c.references('leads.id'))
    .addCheckConstraint('leads_duplicate_of_check', sql.raw(DUPLICATE_CHECK))
    .execute();
}

const LEAD_COLUMNS = 'id, status, team_id, rep_id, org_hash, lead_json, received_at, updated_at';

/** Leads: wider status CHECK, duplicate_of. */
async function widenLeads<DB>(db: Kysely<DB>, dialect: StoreDialect): Promise<void> {
  if (dialect === 'sqlite') {
    // SQLite cannot alter a CHECK constraint: rebuild the table inside the migration's
    // transaction. PRAGMA foreign_keys cannot change inside a transaction, so foreign keys are
    // deferred instead (reset at COMMIT): dropping `leads` counts the decisions it orphans,
    // re-inserting every lead into the new `leads` counts them back, and COMMIT fails if any
    // reference is left dangling. `leads` has no triggers; its indexes are re-created below.
    await exec(db, 'PRAGMA defer_foreign_keys = ON');
    await exec(db, `CREATE TABLE leads_0002_copy AS SELECT ${LEAD_COLUMNS} FROM leads`);
    await exec(db, 'DROP TABLE leads');
    await createLeads(db);
    await exec(db, `INSERT INTO leads (${LEAD_COLUMNS}) SELECT ${LEAD_COLUMNS} FROM leads_0002_copy`);
    await exec(db, 'DROP TABLE leads_0002_copy');
    await db.schema.createIndex('leads_rep_status').on('leads').columns(['rep_id', 'status']).execute();
    await db.schema.createIndex('leads_status_received').on('leads').columns(['status', 'received_at']).execute();
  } else {
    // 0001 declared the CHECK on the column: PostgreSQL named it leads_status_check.
    await exec(db, 'ALTER TABLE leads DROP CONSTRAINT leads_status_check');
    await exec(db, `ALTER TABLE leads ADD CONSTRAINT leads_status_check CHECK (status in ${LEAD_STATUSES})`);
    await exec(db, 'ALTER TABLE leads ADD COLUMN duplicate_of text REFERENCES leads (id)');
    await exec(db, `ALTER TABLE leads ADD CONSTRAINT leads_duplicate_of_check CHECK (${DUPLICATE_CHECK})`);
  }
  // leads.page(): keyset pagination in (received_at, id) order, unfiltered or by one filter.
  await db.schema.createIndex('leads_page').on('leads').columns(['received_at', 'id']).execute();
  await db.schema.createIndex('leads_page_status').on('leads').columns(['status', 'received_at', 'id']).execute();
  await db.schema.createIndex('leads_page_rep').on('leads').columns(['rep_id', 'received_at', 'id']).execute();
  await db.schema.createIndex('leads_page_team').on('leads').columns(['team_id', 'received_at', 'id']).execute();
  await db.schema.createIndex('leads_duplicate_of').on('leads').column('duplicate_of').execute();
}

/** Personal data: erasable in place. */
async function createPersonalData<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('personal_data')
    .addColumn('lead_id', 'text', (c) => c.primaryKey().references('leads.id'))
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('contact_json', 'text', (c) => c.notNull())
    .addColumn('raw_json', 'text', (c) => c.notNull())
    .addColumn('consent_json', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    .addCheckConstraint(
      'personal_data_erased_check',
      sql`erased_at is null or (salt = '' and contact_json = '{}' and raw_json = '{}' and consent_json is null)`,
    )
    .execute();
}

/** Dedupe. */
async function createDedupeTables<DB>(db: Kysely<DB>): Promise<void> {
  // One row per (key, open lead). Looked up by key (the primary key's prefix), removed by lead.
  await db.schema
    .createTable('dedupe_keys')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addPrimaryKeyConstraint('dedupe_keys_pk', ['key', 'lead_id'])
    .execute();
  await db.schema.createIndex('dedupe_keys_lead').on('dedupe_keys').column('lead_id').execute();
  // Lock anchors for lockKeys: one row per bucket (the first 16 bits of SHA-256(key)), so the
  // table holds no personal data, never needs erasing and stays small (≤ 65 536 rows).
  await db.schema
    .createTable('dedupe_locks')
    .addColumn('bucket', 'text', (c) => c.primaryKey())
    .execute();
}

/** Idempotency. */
async function createIdempotencyKeys<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute();
  // For expiring old keys by age.
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
}

/** Accounts. */
async function createAccounts<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('domains_json', 'text', (c) => c.notNull())
    .addColumn('owner_rep', 'text')
    .addColumn('tier', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/** Lead events: append-only, seq assigned by the database. */
async function createLeadEvents<DB>(db: Kysely<DB>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('lead_events')
    .addColumn('seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
      dialect === 'postgres' ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lead_events_lead').on('lead_events').columns(['lead_id', 'seq']).execute();
  await appendOnly(db, dialect, 'lead_events');
}

/** Review queue. */
async function createReviews<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql.raw(`status in ${REVIEW_STATUSES}`)))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason_codes_json', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('resolution_json', 'text')
    .addCheckConstraint(
      'reviews_decided_check',
      sql`(status = 'OPEN') = (decided_by is null and decided_at is null and resolution_json is null)`,
    )
    .execute();
  // At most one OPEN review per lead; also serves openForLead().
  await db.schema
    .createIndex('reviews_one_open')
    .on('reviews')
    .column('lead_id')
    .unique()
    .where(sql.ref('status'), '=', sql.lit('OPEN'))
    .execute();
  await db.schema.createIndex('reviews_lead').on('reviews').columns(['lead_id', 'requested_at']).execute();
  // page(): (requested_at, id) order, optionally by status.
  await db.schema.createIndex('reviews_page').on('reviews').columns(['requested_at', 'id']).execute();
  await db.schema.createIndex('reviews_page_status').on('reviews').columns(['status', 'requested_at', 'id']).execute();
}

/** API keys. */
async function createApiKeys<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql.raw(`role in ${ROLES}`)))
    .addColumn('rep_id', 'text')
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addCheckConstraint('api_keys_rep_check', sql`role <> 'rep' or rep_id is not null`)
    .execute();
  await db.schema.createIndex('api_keys_created').on('api_keys').columns(['created_at', 'id']).execute();
}

/** Webhooks: subscriptions, outbox (append-only), deliveries. */
async function createWebhookSubscriptions<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('events_json', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().check(sql`active in (0, 1)`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

async function createOutbox<DB>(db: Kysely<DB>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('outbox_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_events_created').on('outbox_events').columns(['created_at', 'event_id']).execute();
  await appendOnly(db, dialect, 'outbox_events');
}

async function createDeliveries<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('outbox_events.event_id'))
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql.raw(`status in ${DELIVERY_STATUSES}`)))
    .addColumn('attempts', 'integer', (c) => c.notNull().check(sql`attempts >= 0`))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addUniqueConstraint('deliveries_event_subscription', ['event_id', 'subscription_id'])
    .execute();
  // claimDue(): PENDING rows in due order. Not a partial index: the status arrives as a bound
  // parameter, which SQLite cannot match against a partial index's WHERE.
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at', 'id']).execute();
  // listDeliveries(): (created_at, id) order, optionally by status.
  await db.schema.createIndex('deliveries_page').on('deliveries').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('deliveries_page_status').on('deliveries').columns(['status', 'created_at', 'id']).execute();
  await db.schema.createIndex('deliveries_subscription').on('deliveries').column('subscription_id').execute();
}

/**
 * Widens the lead statuses (DUPLICATE and the lifecycle), links duplicates to their original, and adds the service
 * tables: personal data, dedupe keys, idempotency keys, accounts, lead events, the review queue, API keys, webhook
 * subscriptions, the outbox and deliveries (docs/storage.md).
 */
export const service: Migration = {
  version: 2,
  name: 'service',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    await widenLeads(db, dialect);
    await createPersonalData(db);
    await createDedupeTables(db);
    await createIdempotencyKeys(db);
    await createAccounts(db);
    await createLeadEvents(db, dialect);
    await createReviews(db);
    await createApiKeys(db);
    await createWebhookSubscriptions(db);
    await createOutbox(db, dialect);
    await createDeliveries(db);
  },
};
