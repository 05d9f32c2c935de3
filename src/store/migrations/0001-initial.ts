import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import type { Migration } from './migration.ts';

const OUTCOMES = `('ASSIGNED','QUEUED','REFUSED','HELD','NURTURE')`;
const LEAD_STATUSES = `('NEW','ASSIGNED','QUEUED','REFUSED','HELD','NURTURE','CLOSED')`;

/** Org versions, leads, decisions and routing state (docs/storage.md, docs/routing.md). */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    await db.schema
      .createTable('org_versions')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('config_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('org_versions_version').on('org_versions').columns(['version', 'created_at']).execute();

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
      .execute();
    await db.schema.createIndex('leads_rep_status').on('leads').columns(['rep_id', 'status']).execute();
    await db.schema.createIndex('leads_status_received').on('leads').columns(['status', 'received_at']).execute();

    await db.schema
      .createTable('decisions')
      .addColumn('decision_id', 'text', (c) => c.primaryKey())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('outcome', 'text', (c) => c.notNull().check(sql.raw(`outcome in ${OUTCOMES}`)))
      .addColumn('team_id', 'text')
      .addColumn('rep_id', 'text')
      .addColumn('org_hash', 'text', (c) => c.notNull().references('org_versions.hash'))
      .addColumn('document_json', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('decisions_lead').on('decisions').columns(['lead_id', 'decided_at']).execute();
    await db.schema.createIndex('decisions_decided').on('decisions').columns(['decided_at', 'decision_id']).execute();
    await createRoutingStateTables(db);
    await createAppendOnlyTriggers(db, dialect);
  },
};

/** The round-robin pools, their fairness ledger and each rep's open/daily counters. */
async function createRoutingStateTables<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('routing_pools')
    .addColumn('pool', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`seq >= 0`),
    )
    .execute();

  await db.schema
    .createTable('routing_ledger')
    .addColumn('pool', 'text', (c) => c.notNull().references('routing_pools.pool'))
    .addColumn('rep_id', 'text', (c) => c.notNull())
    .addColumn('assigned', 'integer', (c) => c.notNull().check(sql`assigned >= 0`))
    .addColumn('entitled', 'double precision', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('routing_ledger_pk', ['pool', 'rep_id'])
    .execute();

  await db.schema
    .createTable('rep_state')
    .addColumn('rep_id', 'text', (c) => c.primaryKey())
    .addColumn('open_count', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`open_count >= 0`),
    )
    .addColumn('day', 'text')
    .addColumn('today', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`today >= 0`),
    )
    .execute();
}

async function createAppendOnlyTriggers<DB>(db: Kysely<DB>, dialect: StoreDialect): Promise<void> {
  // Append-only, enforced by the database too: no UPDATE, DELETE (or TRUNCATE) of the record.
  for (const table of ['decisions', 'org_versions']) {
    if (dialect === 'sqlite') {
      for (const op of ['UPDATE', 'DELETE']) {
        await sql
          .raw(
            `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
              `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
          )
          .execute(db);
      }
    } else {
      await sql
        .raw(
          'CREATE OR REPLACE FUNCTION remit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ ' +
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$",
        )
        .execute(db);
      await sql
        .raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION remit_append_only()`)
        .execute(db);
      await sql
        .raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION remit_append_only()`)
        .execute(db);
    }
  }
}
