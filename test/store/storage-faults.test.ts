import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonWithKey } from '../../src/app/access/people.use-case.ts';
import { randomIds } from '../../src/app/shared/random-ids.ts';
import { systemClock } from '../../src/app/shared/system-clock.ts';
import { openStore } from '../../src/store/open-store.ts';
import { StoreMissingError, StoreUnavailableError } from '../../src/store/store-errors.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { storeMarkerPath } from '../../src/store/sqlite/sqlite-file-watch.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from './store-harness.ts';
import { corruptPages, cuttableProxy, eventually } from './storage-faults.fixtures.ts';

/**
 * W1 / W16 (docs/storage.md "Storage faults (W1) and file permissions (W16)"): an SQLite store whose file is removed,
 * replaced or damaged while open refuses writes and reports why; a lost store is never silently
 * re-created empty; new files are private. PostgreSQL: health is a bounded round trip.
 */

const deps = (store: Store) => ({ store, clock: systemClock, ids: randomIds() });
const write = (store: Store, name = 'probe') => createPersonWithKey(deps(store), { userId: 'test' }, { name, role: 'ops', repId: null });

const dirs: string[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'remit-faults-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<StoreUnavailableError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreUnavailableError);
  return e as StoreUnavailableError;
}

describe('SQLite: a store whose file goes away or changes while open refuses writes', () => {
  it('file (and its -wal/-shm) deleted: health STORE_FILE_MISSING and the next write fails', async () => {
    const file = join(newDir(), 'remit.sqlite');
    const store = await openStore({ url: `sqlite:${file}` });
    try {
      await write(store);
      expect((await store.health()).kind).toBe('healthy');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      const health = await store.health();
      expect(health).toMatchObject({ kind: 'faulted', reason: 'STORE_FILE_MISSING' });
      expect((await refusal(write(store))).reason).toBe('STORE_FILE_MISSING');
    } finally {
      await store.close();
    }
  });

  it('file deleted during a transaction: COMMIT is refused and the transaction rolls back', async () => {
    const file = join(newDir(), 'remit.sqlite');
    const store = await openStore({ url: `sqlite:${file}` });
    try {
      const attempt = store.transaction(async (tx) => {
        const at = new Date().toISOString();
        const secretHash = '0'.repeat(64);
        await tx.apiKeys.create({
          id: 'key_mid',
          name: 'mid',
          role: 'ops',
          repId: null,
          secretHash,
          createdAt: at,
          createdBy: 'test',
          userId: 'usr_test',
        });
        rmSync(file);
      });
      expect((await refusal(attempt)).reason).toBe('STORE_FILE_MISSING');
      // Reads still work from the open (unlinked) file: the row was rolled back, not committed into it.
      expect(await store.apiKeys.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('the whole folder deleted: the next write fails', async () => {
    const dir = join(newDir(), 'data');
    const store = await openStore({ url: `sqlite:${join(dir, 'remit.sqlite')}` });
    try {
      await write(store);
      rmSync(dir, { recursive: true, force: true });
      expect((await refusal(write(store))).reason).toBe('STORE_FILE_MISSING');
      expect(await store.health()).toMatchObject({ kind: 'faulted', reason: 'STORE_FILE_MISSING' });
    } finally {
      await store.close();
    }
  });

  it('file replaced by another store (rename over it): STORE_FILE_REPLACED, writes fail, also outside a transaction', async () => {
    const dir = newDir();
    const file = join(dir, 'remit.sqlite');
    const other = await openStore({ url: `sqlite:${join(dir, 'other.sqlite')}` });
    await other.close();
    const store = await openStore({ url: `sqlite:${file}` });
    try {
      await write(store);
      renameSync(join(dir, 'other.sqlite'), file);
      expect(await store.health()).toMatchObject({ kind: 'faulted', reason: 'STORE_FILE_REPLACED' });
      expect((await refusal(write(store))).reason).toBe('STORE_FILE_REPLACED');
      // A repository write outside a transaction commits on its own: it is gated too.
      await refusal(store.apiKeys.revoke('key_none', new Date().toISOString()));
    } finally {
      await store.close();
    }
  });

  it('pages overwritten with random bytes while open: the periodic quick_check marks it STORE_CORRUPT and writes fail', async () => {
    const dir = newDir();
    const source = join(dir, 'source.sqlite');
    const seeded = await openStore({ url: `sqlite:${source}` });
    for (let i = 0; i < 300; i++) await write(seeded, `filler ${i} ${'x'.repeat(200)}`);
    // A clean close checkpoints the WAL into the file: every page is in the copy.
    await seeded.close();
    const copy = join(dir, 'copy.sqlite');
    copyFileSync(source, copy);
    const store = await openStore({ url: `sqlite:${copy}`, integrityCheckMs: 50 });
    try {
      const checked = await eventually(async () => {
        const h = await store.health();
        return h.kind === 'healthy' && h.integrityCheckedAt ? h : undefined;
      });
      expect(checked.kind).toBe('healthy');
      expect(corruptPages(copy, 0.3, 0.7).pages).toBeGreaterThan(10);
      const faulted = await eventually(async () => {
        const h = await store.health();
        return h.kind === 'faulted' ? h : undefined;
      });
      expect(faulted).toMatchObject({ kind: 'faulted', reason: 'STORE_CORRUPT' });
      expect((await refusal(write(store))).reason).toBe('STORE_CORRUPT');
    } finally {
      await store.close();
    }
  });

  it('a read that meets a damaged page reports STORE_UNAVAILABLE (not a raw driver error) and marks the store faulted', async () => {
    const dir = newDir();
    const file = join(dir, 'remit.sqlite');
    const seeded = await openStore({ url: `sqlite:${file}` });
    for (let i = 0; i < 100; i++) await write(seeded, `filler ${i} ${'x'.repeat(200)}`);
    await seeded.close();
    corruptPages(file, 0, 1);
    // Opening reads the schema and the migrations table: the damage shows at once.
    const e = await openStore({ url: `sqlite:${file}` }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(StoreUnavailableError);
    expect((e as StoreUnavailableError).reason).toBe('STORE_CORRUPT');
  });
});

describe('SQLite: a lost store is never silently re-created empty', () => {
  it('a first open needs no flag and leaves the marker; a later open of the missing file is refused; init creates it', async () => {
    const dir = newDir();
    const file = join(dir, 'remit.sqlite');
    const first = await openStore({ url: `sqlite:${file}` });
    await write(first);
    await first.close();
    expect(existsSync(storeMarkerPath(file))).toBe(true);

    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    const refused = await openStore({ url: `sqlite:${file}` }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(StoreMissingError);
    expect((refused as Error).message).toMatch(/--init/);
    expect(existsSync(file)).toBe(false);

    const fresh = await openStore({ url: `sqlite:${file}`, init: true });
    try {
      expect(await fresh.apiKeys.list()).toEqual([]);
    } finally {
      await fresh.close();
    }
    // The new store is a store like any other: reopening it needs no flag.
    await (await openStore({ url: `sqlite:${file}` })).close();
  });
});

describe('SQLite: new files are private (W16)', () => {
  it('under umask 022 the folder is created 0700 and the file, its -wal and -shm 0600', async () => {
    const previous = process.umask(0o022);
    const dir = join(newDir(), 'nested', 'data');
    const file = join(dir, 'remit.sqlite');
    let store: Store | null = null;
    try {
      store = await openStore({ url: `sqlite:${file}` });
      await write(store);
      const mode = (p: string) => statSync(p).mode & 0o777;
      expect(mode(dir).toString(8)).toBe('700');
      expect(mode(join(dir, '..')).toString(8)).toBe('700');
      for (const f of [file, `${file}-wal`, `${file}-shm`, storeMarkerPath(file)]) expect([f, mode(f).toString(8)]).toEqual([f, '600']);
    } finally {
      process.umask(previous);
      await store?.close();
    }
  });

  it('an existing folder keeps the mode its owner gave it', async () => {
    const dir = join(newDir(), 'shared');
    mkdirSync(dir, { mode: 0o750 });
    const store = await openStore({ url: `sqlite:${join(dir, 'remit.sqlite')}` });
    await store.close();
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('750');
  });
});

describe('PostgreSQL: health is a bounded round trip', async () => {
  const pg = await postgresOrSkip();
  if (pg.reason) it('PostgreSQL is required under CI', () => expect.fail(pg.reason));
  const schema = newSchemaName();
  beforeAll(() => undefined);
  afterAll(async () => {
    if (pg.run) await dropSchema(schema);
  });
  it.runIf(pg.run)('healthy while the database answers; STORE_UNREACHABLE once the connection is cut', async () => {
    const proxy = await cuttableProxy(new URL(PG_URL));
    const store = await openStore({ url: proxy.url, schema, poolSize: 2 });
    try {
      expect(await store.health()).toEqual({ kind: 'healthy', integrityCheckedAt: null });
      await proxy.cut();
      const started = Date.now();
      expect(await store.health()).toMatchObject({ kind: 'faulted', reason: 'STORE_UNREACHABLE' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await store.close();
    }
  });
});
