import pgDriver from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { it, vi } from 'vitest';
import type { LeadStatus } from '../../../src/domain/lead/lead-status.ts';
import type { CompiledOrg } from '../../../src/domain/org/compiled-org.ts';
import { sequentialIds, type Clock, type IdSource } from '../../../src/domain/shared/clock.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import type { Migration } from '../../../src/store/migrations/migration.ts';
import { migrate } from '../../../src/store/migrations/runner.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { NodeSqliteDatabase, NodeSqliteDialect } from '../../../src/store/sqlite/node-sqlite-dialect.ts';
import type { Store, UnitOfWork } from '../../../src/store/unit-of-work.ts';
import {
  PG_URL,
  dropSchema,
  newSchemaName,
  postgresFactory,
  postgresOrSkip,
  sqliteFactory,
  withPgClient,
  type StoreFactory,
  type StoreHarness,
} from '../store-harness.ts';

/**
 * Shared by the storage contract files in this folder (one per repository, each a describe.each
 * over SQLite and PostgreSQL, the way kysely's own tests loop over dialects), so both adapters are
 * held to identical observable behaviour (docs/storage.md).
 */

/** The test-only routing drivers, imported in this one place (they live beside the production recorder today). */
export { closeLead, routeLead } from '../../support/route-lead.ts';

const pg = await postgresOrSkip();

/** The dialects every contract file runs on. */
export const STORES: readonly { readonly factory: StoreFactory; readonly run: boolean }[] = [
  { factory: sqliteFactory, run: true },
  { factory: postgresFactory, run: pg.run },
];

/**
 * False when PostgreSQL is unreachable: the describe body then registers a loud skip locally and a
 * failing test in CI (CI=true), and must register nothing else.
 */
export function storeReachable(run: boolean): boolean {
  if (run) return true;
  if (pg.reason) {
    it('PostgreSQL is reachable', () => {
      throw new Error(pg.reason);
    });
  } else it.skip('PostgreSQL unreachable: skipped (see the warning above)', () => {});
  return false;
}

/** Every migration version, ascending: the lists below follow the registry, not a copy of it. */
export const ALL_MIGRATIONS = MIGRATIONS.map((m) => m.version);

export const T0 = Date.parse('2026-03-02T10:00:00Z');

/** A clock the test moves by hand. */
export function manualClock(start = T0): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return { now: () => now, set: (ms) => void (now = ms), advance: (ms) => void (now += ms) };
}

/** What routeLead needs, on the running test's store. */
export const routeDeps =
  (store: () => Store) =>
  (org: CompiledOrg, clock: Clock = manualClock(), ids: IdSource = sequentialIds()) => ({ store: store(), org, clock, ids });

export async function everything(store: Store) {
  return {
    leads: await store.leads.list(),
    decisions: await store.decisions.list(),
    state: await store.routingState.snapshot(),
    orgVersions: await store.orgVersions.list(),
  };
}

export const NOTHING = { leads: [], decisions: [], state: { pools: {}, loads: {} }, orgVersions: [] };

/** Wraps a store so that one repository method of the transaction's unit of work throws (a crash at that step). */
export function crashingAt(store: Store, step: string): Store {
  const [repo, method] = step.split('.') as [keyof UnitOfWork, string];
  return {
    ...store,
    transaction: (fn) =>
      store.transaction((tx) => {
        const broken = {
          ...tx[repo],
          [method]: async () => {
            throw new Error(`simulated crash in ${step}`);
          },
        };
        return fn({ ...tx, [repo]: broken } as UnitOfWork);
      }),
  };
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Service repositories (migration 0002): seed rows written through the port.

export const SEED_HASH = 'sha256:seed';
export const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

export function serviceSeeds(factory: StoreFactory, current: () => StoreHarness) {
  const seedOrg = (uow: UnitOfWork = current().store) =>
    uow.orgVersions.publish({ hash: SEED_HASH, version: 'seed', configJson: '{}', createdAt: iso(0), createdBy: 'test' });
  async function seedLead(
    uow: UnitOfWork,
    id: string,
    opts: { at?: number; status?: LeadStatus; repId?: string | null; teamId?: string | null; duplicateOf?: string | null } = {},
  ): Promise<void> {
    const receivedAt = iso(opts.at ?? 0);
    await uow.leads.claim({ id, orgHash: SEED_HASH, leadJson: JSON.stringify({ id }), receivedAt });
    await uow.leads.update(id, {
      status: opts.status ?? 'ASSIGNED',
      teamId: opts.teamId ?? null,
      repId: opts.repId ?? null,
      orgHash: SEED_HASH,
      updatedAt: receivedAt,
      ...(opts.duplicateOf !== undefined ? { duplicateOf: opts.duplicateOf } : {}),
    });
  }
  /** Rows of a raw query, outside the port. */
  async function rawQuery(sqlText: string): Promise<Record<string, unknown>[]> {
    const h = current();
    if (factory.name === 'sqlite') {
      const raw = new DatabaseSync(h.url.replace(/^sqlite:/, ''));
      try {
        return raw.prepare(sqlText).all() as Record<string, unknown>[];
      } finally {
        raw.close();
      }
    }
    return withPgClient(async (c) => (await c.query(sqlText)).rows as Record<string, unknown>[], h.schema);
  }
  /**
   * For a lock holder: resolves once another transaction is queued on a lock of `table`, so that it goes on only when
   * the waiter is really waiting (after a fixed sleep a loaded machine's waiter could arrive after the commit, where a
   * missing lock gives the same answers and goes unseen). PostgreSQL: a backend waiting for a lock while it holds one
   * on this schema's `table` (parallel test files use other schemas). SQLite queues whole transactions on this
   * process's write queue at BEGIN, with nothing to observe: the holder holds `sqliteHoldMs` there, as before.
   */
  async function untilQueuedOn(table: string, sqliteHoldMs: number): Promise<void> {
    if (factory.name === 'sqlite') return sleep(sqliteHoldMs);
    const queued = `select 1 from pg_stat_activity a where a.wait_event_type = 'Lock' and exists (select 1 from
      pg_locks l where l.pid = a.pid and l.relation = to_regclass('${table}'))`;
    await vi.waitFor(
      async () => {
        if ((await rawQuery(queued)).length === 0) throw new Error(`no transaction queued on a lock of ${table}`);
      },
      { timeout: 20_000, interval: 20 },
    );
  }
  return { seedOrg, seedLead, rawQuery, untilQueuedOn };
}

/** A database as an earlier release left it (migrated with `migrations` only), for upgrade-in-place tests. */
export interface OlderDatabase {
  readonly dir: string;
  readonly schema: string;
  /** Opens the store on it; `migrateOnOpen` applies the current release's pending migrations. */
  open(migrateOnOpen: boolean): Promise<Store>;
  /** Applies these migrations (those not applied yet), without opening the store: an upgrade to a given release. */
  migrate(migrations: readonly Migration[]): Promise<void>;
  /** Runs raw SQL on it (its own connection) and returns the rows: tables and rows of a release the store no longer maps. */
  query(text: string): Promise<Record<string, unknown>[]>;
  /** Removes the SQLite folder or the PostgreSQL schema. */
  drop(): Promise<void>;
}

export async function olderDatabase(dialect: 'sqlite' | 'postgres', migrations: readonly Migration[]): Promise<OlderDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'remit-upgrade-'));
  const schema = newSchemaName();
  const url = dialect === 'sqlite' ? `sqlite:${join(dir, 'remit.sqlite')}` : PG_URL;
  const migrateWith = async (these: readonly Migration[]): Promise<void> => {
    const k =
      dialect === 'sqlite'
        ? new Kysely<unknown>({ dialect: new NodeSqliteDialect(new NodeSqliteDatabase(new DatabaseSync(join(dir, 'remit.sqlite'))), null) })
        : new Kysely<unknown>({
            dialect: new PostgresDialect({
              pool: new pgDriver.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` }),
            }),
          });
    try {
      await migrate(k, { dialect, schema: dialect === 'postgres' ? schema : undefined, migrations: these });
    } finally {
      await k.destroy();
    }
  };
  await migrateWith(migrations);
  return {
    dir,
    schema,
    open: (migrateOnOpen) => openStore({ url, ...(dialect === 'postgres' ? { schema, poolSize: 3 } : {}), migrate: migrateOnOpen }),
    migrate: migrateWith,
    async query(text) {
      if (dialect === 'postgres') return withPgClient(async (c) => (await c.query(text)).rows as Record<string, unknown>[], schema);
      const raw = new DatabaseSync(join(dir, 'remit.sqlite'));
      try {
        return raw.prepare(text).all() as Record<string, unknown>[];
      } finally {
        raw.close();
      }
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
      if (dialect === 'postgres') await dropSchema(schema);
    },
  };
}
