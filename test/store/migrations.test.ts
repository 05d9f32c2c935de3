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

const memoryDb = () => new Kysely<unknown>({ dialect: new NodeSqliteDialect(new NodeSqliteDatabase(new DatabaseSync(':memory:')), null) });

const tables = async (db: Kysely<unknown>) =>
  (await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db)).rows.map((r) => r.name);

describe('migration runner', () => {
  it('applies pending migrations once and records them', async () => {
    const db = memoryDb();
    expect(await migrate(db, { dialect: 'sqlite' })).toEqual([1, 2]);
    expect(await migrate(db, { dialect: 'sqlite' })).toEqual([]);
    expect(await tables(db)).toEqual([
      'accounts',
      'api_keys',
      'decisions',
      'dedupe_keys',
      'dedupe_locks',
      'deliveries',
      'idempotency_keys',
      'lead_events',
      'leads',
      'org_versions',
      'outbox_events',
      'personal_data',
      'remit_migrations',
      'rep_state',
      'reviews',
      'routing_ledger',
      'routing_pools',
      'sqlite_sequence',
      'webhook_subscriptions',
    ]);
    await db.destroy();
  });

  it('a failing migration rolls back the whole run, including earlier migrations of the same run', async () => {
    const db = memoryDb();
    const broken: Migration = {
      version: 3,
      name: 'broken',
      async up(k) {
        await k.schema.createTable('half_done').addColumn('id', 'text').execute();
        await sql`select * from no_such_table`.execute(k);
      },
    };
    await expect(migrate(db, { dialect: 'sqlite', migrations: [...MIGRATIONS, broken] })).rejects.toThrow(MigrationError);
    await expect(migrate(db, { dialect: 'sqlite', migrations: [...MIGRATIONS, broken] })).rejects.toThrow(/migration 3 \(broken\) failed/);
    expect(await tables(db)).toEqual([]);
    // Without the broken one, the schema migrates fine.
    expect(await migrate(db, { dialect: 'sqlite' })).toEqual([1, 2]);
    await db.destroy();
  });

  it('refuses a database migrated by a newer release, and a badly ordered migration list', async () => {
    const db = memoryDb();
    const next: Migration = { version: 3, name: 'next', up: async (k) => void (await k.schema.createTable('extra').addColumn('id', 'text').execute()) };
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
    expect(await store.appliedMigrations()).toEqual([1, 2]);
    await store.close();
  });
});

const pg = await postgresOrSkip();

describe.runIf(pg.run)('PostgreSQL migrations', () => {
  it('concurrent opens of a new schema migrate it exactly once (advisory lock)', async () => {
    const schema = newSchemaName();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ url: `${PG_URL}?schema=${schema}`, poolSize: 2 })));
      for (const s of stores) expect(await s.appliedMigrations()).toEqual([1, 2]);
      await Promise.all(stores.map((s) => s.close()));
      const rows = await withPgClient((c) => c.query(`select count(*)::int as n from "${schema}".remit_migrations`));
      expect(rows.rows[0].n).toBe(2);
    } finally {
      await dropSchema(schema);
    }
  });

  it('rejects an unsafe schema name', async () => {
    await expect(openStore({ url: PG_URL, schema: 'x; drop table y' })).rejects.toThrow(/schema name/);
  });
});
