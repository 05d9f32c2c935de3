import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/unit-of-work.ts';

/**
 * How the storage tests reach each dialect. Every harness is a fresh, empty database: a new SQLite
 * file in a temp folder, or a new PostgreSQL schema (so parallel test files never collide).
 */

export const PG_URL =
  process.env.TEST_DATABASE_URL ??
  (process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined) ??
  'postgres://postgres@127.0.0.1:5432/test';
export const IN_CI = process.env.CI === 'true';

export interface StoreHarness {
  readonly store: Store;
  /** What a second process would pass to openStore to reach the same database. */
  readonly url: string;
  readonly schema: string | undefined;
  /** Opens another handle on the same database (runs the migrations again). */
  reopen(): Promise<Store>;
  /** Runs raw SQL outside the port (to prove what the database itself refuses). */
  rawExec(sqlText: string): Promise<void>;
  /** Closes every handle and deletes the database. */
  cleanup(): Promise<void>;
}

export interface StoreFactory {
  readonly name: 'sqlite' | 'postgres';
  create(): Promise<StoreHarness>;
}

let counter = 0;

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'remit-store-'));
    const url = `sqlite:${join(dir, 'remit.sqlite')}`;
    const handles: Store[] = [];
    const open = async () => {
      const s = await openStore({ url });
      handles.push(s);
      return s;
    };
    const store = await open();
    return {
      store,
      url,
      schema: undefined,
      reopen: open,
      async rawExec(sqlText) {
        const raw = new DatabaseSync(join(dir, 'remit.sqlite'));
        try {
          raw.exec(sqlText);
        } finally {
          raw.close();
        }
      },
      async cleanup() {
        for (const h of handles) await h.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const newSchemaName = () => `remit_t${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;

export async function withPgClient<T>(fn: (c: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await withPgClient((c) => c.query(`drop schema if exists "${schema}" cascade`));
}

export const postgresFactory: StoreFactory = {
  name: 'postgres',
  async create() {
    const schema = newSchemaName();
    const handles: Store[] = [];
    const open = async () => {
      const s = await openStore({ url: PG_URL, schema, poolSize: 6 });
      handles.push(s);
      return s;
    };
    const store = await open();
    return {
      store,
      url: PG_URL,
      schema,
      reopen: open,
      rawExec: (sqlText) => withPgClient(async (c) => void (await c.query(sqlText)), schema),
      async cleanup() {
        for (const h of handles) await h.close();
        await dropSchema(schema);
      },
    };
  },
};

/** Whether PostgreSQL answers; the reason when it does not. */
export async function probePostgres(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message || String(e) };
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * Locally a missing PostgreSQL skips its suites with a loud warning; in CI (CI=true) it fails.
 * Returns true when the PostgreSQL suites should run.
 */
export async function postgresOrSkip(): Promise<{ run: boolean; reason?: string }> {
  const probe = await probePostgres();
  if (probe.ok) return { run: true };
  const msg = `PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//***@')} is unreachable (${probe.reason}).`;
  if (IN_CI) return { run: false, reason: `${msg} CI=true: the PostgreSQL storage suites must run.` };
  console.warn(
    `\n${'!'.repeat(100)}\n!! SKIPPING PostgreSQL storage tests: ${msg}\n!! Start it (pg_ctlcluster … main start) or set ` +
      `TEST_DATABASE_URL. In CI this is a failure.\n${'!'.repeat(100)}\n`,
  );
  return { run: false };
}
