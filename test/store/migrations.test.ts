import { DatabaseSync } from 'node:sqlite';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import type { Migration } from '../../src/store/migrations/migration.ts';
import { checkMigrationList, migrate } from '../../src/store/migrations/runner.ts';
import { openStore, resolveStoreTarget } from '../../src/store/open-store.ts';
import { NodeSqliteDatabase, NodeSqliteDialect } from '../../src/store/sqlite/node-sqlite-dialect.ts';
import { MigrationError } from '../../src/store/store-errors.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip, withPgClient } from './store-harness.ts';

/** Every migration version, ascending: the lists below follow the registry, not a copy of it. */
const ALL_MIGRATIONS = MIGRATIONS.map((m) => m.version);
/** A version no real migration uses yet (after the last: versions may skip numbers), for throwaway test migrations. */
const NEXT = MIGRATIONS.at(-1)!.version + 1;

const memoryDb = () => new Kysely<unknown>({ dialect: new NodeSqliteDialect(new NodeSqliteDatabase(new DatabaseSync(':memory:')), null) });

const tables = async (db: Kysely<unknown>) =>
  (await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db)).rows.map((r) => r.name);

describe('migration runner', () => {
  it('applies pending migrations once and records them', async () => {
    const db = memoryDb();
    expect(await migrate(db, { dialect: 'sqlite' })).toEqual(ALL_MIGRATIONS);
    expect(await migrate(db, { dialect: 'sqlite' })).toEqual([]);
    expect(await tables(db)).toEqual([
      'accounts',
      'api_keys',
      'audit_checkpoints',
      'audit_inbox',
      'audit_keys',
      'audit_log',
      'audit_sealer_state',
      'consent_changes',
      'console_sessions',
      'coverage_job_outcomes',
      'crm_writebacks',
      'decisions',
      'dedupe_keys',
      'dedupe_locks',
      'deliveries',
      'idempotency_keys',
      'lead_events',
      'lead_outcomes',
      'leads',
      'notification_conditions',
      'notification_preferences',
      'notification_runs',
      'notifications',
      'oidc_logins',
      'opt_outs',
      'org_activations',
      'org_drafts',
      'org_versions',
      'outbox_events',
      'outcome_model_head',
      'outcome_models',
      'outreach_log',
      'personal_data',
      'promotions',
      'reassignment_items',
      'reassignment_jobs',
      'reassignments',
      'registry_listings',
      'registry_scrubs',
      'remit_migrations',
      'rep_heartbeats',
      'rep_presence',
      'rep_state',
      'rescreen_job_holds',
      'rescreen_jobs',
      'reviews',
      'routing_ledger',
      'routing_pools',
      'screening_lead_keys',
      'screening_list_checks',
      'screening_list_reloads',
      'screening_list_versions',
      'screening_name_key_scheme',
      'screening_name_keys',
      'sign_in_links',
      'sla_timers',
      'sqlite_sequence',
      'suppressions',
      'table_generations',
      'user_role_grants',
      'users',
      'webhook_subscriptions',
    ]);
    await db.destroy();
  });

  it('a failing migration rolls back the whole run, including earlier migrations of the same run', async () => {
    const db = memoryDb();
    const broken: Migration = {
      version: NEXT,
      name: 'broken',
      async up(k) {
        await k.schema.createTable('half_done').addColumn('id', 'text').execute();
        await sql`select * from no_such_table`.execute(k);
      },
    };
    await expect(migrate(db, { dialect: 'sqlite', migrations: [...MIGRATIONS, broken] })).rejects.toThrow(MigrationError);
    await expect(migrate(db, { dialect: 'sqlite', migrations: [...MIGRATIONS, broken] })).rejects.toThrow(
      new RegExp(`migration ${NEXT} \\(broken\\) failed`),
    );
    expect(await tables(db)).toEqual([]);
    // Without the broken one, the schema migrates fine.
    expect(await migrate(db, { dialect: 'sqlite' })).toEqual(ALL_MIGRATIONS);
    await db.destroy();
  });

  it('refuses a database migrated by a newer release, and a badly ordered migration list', async () => {
    const db = memoryDb();
    const next: Migration = {
      version: NEXT,
      name: 'next',
      up: async (k) => void (await k.schema.createTable('extra').addColumn('id', 'text').execute()),
    };
    await migrate(db, { dialect: 'sqlite', migrations: [...MIGRATIONS, next] });
    await expect(migrate(db, { dialect: 'sqlite' })).rejects.toThrow(/newer release/);
    await db.destroy();
    expect(() => checkMigrationList([next, ...MIGRATIONS])).toThrow(MigrationError);
    expect(() => checkMigrationList([...MIGRATIONS, ...MIGRATIONS])).toThrow(MigrationError);
  });
});

describe('openStore', () => {
  it('chooses the adapter from the url', () => {
    expect(resolveStoreTarget(undefined)).toEqual({ kind: 'sqlite', path: './data/remit.sqlite' });
    expect(resolveStoreTarget('')).toEqual({ kind: 'sqlite', path: './data/remit.sqlite' });
    expect(resolveStoreTarget('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(resolveStoreTarget(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(resolveStoreTarget('sqlite:./x/y.db')).toEqual({ kind: 'sqlite', path: './x/y.db' });
    expect(resolveStoreTarget('file:/tmp/r.sqlite')).toEqual({ kind: 'sqlite', path: '/tmp/r.sqlite' });
    expect(resolveStoreTarget('/var/lib/remit.sqlite')).toEqual({ kind: 'sqlite', path: '/var/lib/remit.sqlite' });
    expect(resolveStoreTarget('postgres://u@h/db')).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
    expect(resolveStoreTarget('postgresql://u@h/db?schema=x')).toEqual({ kind: 'postgres', url: 'postgresql://u@h/db?schema=x' });
    expect(() => resolveStoreTarget('mysql://u@h/db')).toThrow(/unsupported/);
  });

  it('opens an in-memory SQLite store, migrated', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    expect(store.capabilities).toEqual({ dialect: 'sqlite', rowLocks: false, concurrentProcesses: false, multiInstance: false });
    expect(await store.appliedMigrations()).toEqual(ALL_MIGRATIONS);
    await store.close();
  });
});

const pg = await postgresOrSkip();

describe.runIf(pg.run)('PostgreSQL migrations', () => {
  it('concurrent opens of a new schema migrate it exactly once (advisory lock)', async () => {
    const schema = newSchemaName();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ url: `${PG_URL}?schema=${schema}`, poolSize: 2 })));
      for (const s of stores) expect(await s.appliedMigrations()).toEqual(ALL_MIGRATIONS);
      await Promise.all(stores.map((s) => s.close()));
      const rows = await withPgClient((c) => c.query(`select count(*)::int as n from "${schema}".remit_migrations`));
      expect(rows.rows[0].n).toBe(MIGRATIONS.length);
    } finally {
      await dropSchema(schema);
    }
  });

  it('rejects an unsafe schema name', async () => {
    await expect(openStore({ url: PG_URL, schema: 'x; drop table y' })).rejects.toThrow(/schema name/);
  });
});
