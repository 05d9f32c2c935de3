import fc from 'fast-check';
import { Kysely, sql, type Driver, type SqliteStatement } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { deferrable } from '../../src/store/sql/deferred-writes.ts';
import type { Database } from '../../src/store/sql/schema.ts';
import { cachedReads, TableCache } from '../../src/store/sql/table-generations.ts';
import { SQLITE_BATCHING, WriteBatchingDriver } from '../../src/store/sql/write-batching-driver.ts';
import { whileWritesHeld } from '../../src/store/sqlite/file-write-lock.ts';
import type { GroupCommitOptions } from '../../src/store/sqlite/group-commit-driver.ts';
import { NodeSqliteDatabase, NodeSqliteDialect } from '../../src/store/sqlite/node-sqlite-dialect.ts';

/**
 * SQLite group commit (src/store/sqlite/group-commit-driver.ts, issue 18): transactions of one handle share a COMMIT,
 * each acknowledged only after it; a member's failure is its own; a failed COMMIT fails every member and leaves nothing.
 * Run over the write-batching driver, as the store does, on a WAL file. "Committed" is what a second connection sees.
 */
interface Tables {
  notes: { tag: string; n: number };
  parent: { id: number };
  child: { id: number; parent: number };
}

/** The database with planted faults: COMMIT fails while `failCommits` > 0; every statement text is logged. */
class FaultyDatabase extends NodeSqliteDatabase {
  failCommits = 0;
  readonly log: string[] = [];
  override prepare(sqlText: string): SqliteStatement {
    this.log.push(sqlText);
    const stmt = super.prepare(sqlText);
    if (!/^commit$/i.test(sqlText)) return stmt;
    return {
      ...stmt,
      run: (params) => {
        if (this.failCommits > 0) {
          this.failCommits--;
          throw Object.assign(new Error('disk I/O error (planted)'), { errcode: 10 });
        }
        return stmt.run(params);
      },
    };
  }
}

class Dialect extends NodeSqliteDialect {
  override createDriver(): Driver {
    return new WriteBatchingDriver(super.createDriver(), SQLITE_BATCHING);
  }
}

const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'remit-gc-test-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const raw = new DatabaseSync(file);
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('create table notes (tag text primary key, n integer not null check (n >= 0))');
  raw.exec('create table parent (id integer primary key)');
  raw.exec('create table child (id integer primary key, parent integer not null references parent (id))');
  // The generation counters of a cached table (migration 0035 keeps them with triggers; here the test moves them).
  raw.exec('create table table_generations (name text primary key, generation integer not null)');
  raw.exec("insert into table_generations values ('users', 1)");
  raw.exec('create table people (id integer primary key, name text not null)');
  raw.exec("insert into people values (1, 'v1')");
  raw.close();
  return file;
}

function open(file: string, options: GroupCommitOptions = {}, cache?: TableCache) {
  const raw = new DatabaseSync(file);
  raw.exec('PRAGMA foreign_keys = ON');
  const database = new FaultyDatabase(raw);
  const groups: number[] = [];
  let lost = 0;
  const db = new Kysely<Tables>({
    dialect: new Dialect(database, file, {
      // A generous time bound unless a test sets one: a busy machine must not split a group (maxGroupMs has its own test).
      maxGroupMs: 5_000,
      ...options,
      onGroupCommitted: (members) => groups.push(members),
      onGroupLost: () => {
        lost++;
        // As openSqliteStore wires it.
        cache?.clear();
      },
    }),
  });
  closers.push(() => db.destroy());
  return { db, raw, database, groups, lost: () => lost };
}

/** What another connection sees: the committed tags. */
function committed(file: string): string[] {
  const reader = new DatabaseSync(file, { readOnly: true });
  try {
    return (reader.prepare('select tag from notes order by tag').all() as { tag: string }[]).map((r) => r.tag);
  } finally {
    reader.close();
  }
}

const note = (db: Kysely<Tables>, tag: string, n = 1) =>
  db.executeQuery(deferrable(db.insertInto('notes').values({ tag, n }).compile(), 'notes'));

/** Runs `fns` as concurrent transactions; each outcome: 'ok' or the error's message. */
async function concurrently(db: Kysely<Tables>, fns: Array<(tx: Kysely<Tables>) => Promise<void>>): Promise<string[]> {
  const settled = await Promise.allSettled(fns.map((fn) => db.transaction().execute(fn)));
  return settled.map((s) => (s.status === 'fulfilled' ? 'ok' : String((s.reason as Error).message)));
}

describe('SQLite group commit', () => {
  it('concurrent transactions share one COMMIT; none is acknowledged before it, every one is after it', async () => {
    const file = newFile();
    const { db, groups } = open(file);
    const seenAtAck: string[][] = [];
    const seenInside: string[][] = [];
    const tx = (tag: string) =>
      db.transaction().execute(async (t) => {
        await note(t, tag);
        seenInside.push(committed(file));
      });
    await Promise.all(['a', 'b', 'c', 'd'].map((tag) => tx(tag).then(() => seenAtAck.push(committed(file)))));
    expect(groups).toEqual([4]);
    // Inside the group nothing was committed yet (each member ran before the one COMMIT).
    expect(seenInside).toEqual([[], [], [], []]);
    // Each acknowledgement came after the COMMIT: all four committed.
    expect(seenAtAck).toEqual(Array(4).fill(['a', 'b', 'c', 'd']));
  });

  it('a lone transaction is BEGIN IMMEDIATE … COMMIT, without savepoints', async () => {
    const file = newFile();
    const { db, database, groups } = open(file);
    database.log.length = 0;
    await db.transaction().execute((t) => note(t, 'a').then(() => undefined));
    expect(database.log).toEqual(['begin immediate', 'insert into "notes" ("tag", "n") values (?, ?)', 'commit']);
    expect(groups).toEqual([1]);
    expect(committed(file)).toEqual(['a']);
  });

  it('members after the first run as savepoints, their held writes sent before RELEASE', async () => {
    const file = newFile();
    const { db, database } = open(file);
    database.log.length = 0;
    await Promise.all(['a', 'b'].map((tag) => db.transaction().execute((t) => note(t, tag).then(() => undefined))));
    const insert = 'insert into "notes" ("tag", "n") values (?, ?)';
    // The last member too hands the group on (nextTurn); nobody takes it, so it commits at the next turn.
    expect(database.log).toEqual(['begin immediate', insert, 'savepoint remit_member', insert, 'release remit_member', 'commit']);
  });

  it('a failing member rolls back alone: the others commit, it is absent and gets its own error', async () => {
    const file = newFile();
    const { db, groups, lost } = open(file);
    const outcomes = await concurrently(db, [
      (t) => note(t, 'a').then(() => undefined),
      async (t) => {
        await note(t, 'b');
        throw new Error('b failed');
      },
      async (t) => {
        await note(t, 'c');
        // A constraint failure inside SQLite (the held write is sent at the member's end).
        await note(t, 'c2', -1);
      },
      (t) => note(t, 'd').then(() => undefined),
    ]);
    expect(outcomes[0]).toBe('ok');
    expect(outcomes[1]).toBe('b failed');
    expect(outcomes[2]).toMatch(/CHECK constraint failed/);
    expect(outcomes[3]).toBe('ok');
    expect(committed(file)).toEqual(['a', 'd']);
    expect(groups).toEqual([4]);
    expect(lost()).toBe(0);
  });

  it('a failed COMMIT fails every member and leaves nothing; the next transaction starts clean', async () => {
    const file = newFile();
    const { db, database, groups, lost } = open(file);
    database.failCommits = 1;
    const outcomes = await concurrently(
      db,
      ['a', 'b', 'c'].map((tag) => (t) => note(t, tag).then(() => undefined)),
    );
    expect(outcomes).toEqual(Array(3).fill('disk I/O error (planted)'));
    expect(committed(file)).toEqual([]);
    expect(groups).toEqual([]);
    expect(lost()).toBe(1);
    await db.transaction().execute((t) => note(t, 'e').then(() => undefined));
    expect(committed(file)).toEqual(['e']);
  });

  it('a COMMIT that SQLite refuses (a deferred foreign key) fails every member of the group', async () => {
    const file = newFile();
    const { db } = open(file);
    const outcomes = await concurrently(db, [
      (t) => note(t, 'a').then(() => undefined),
      async (t) => {
        await sql`PRAGMA defer_foreign_keys = ON`.execute(t);
        await t.insertInto('child').values({ id: 1, parent: 99 }).execute();
      },
      (t) => note(t, 'c').then(() => undefined),
    ]);
    expect(outcomes.every((o) => /FOREIGN KEY constraint failed/.test(o))).toBe(true);
    expect(committed(file)).toEqual([]);
  });

  it('when SQLite rolls the whole transaction back inside a member, the members before it fail too', async () => {
    const file = newFile();
    const { db, lost } = open(file);
    const outcomes = await concurrently(db, [
      (t) => note(t, 'a').then(() => undefined),
      async (t) => {
        await note(t, 'b');
        // As SQLite does by itself after SQLITE_FULL or SQLITE_IOERR: the transaction is gone.
        await sql`rollback`.execute(t);
        throw new Error('database or disk is full (planted)');
      },
      (t) => note(t, 'c').then(() => undefined),
    ]);
    expect(outcomes[0]).not.toBe('ok');
    expect(outcomes[1]).toBe('database or disk is full (planted)');
    expect(outcomes[2]).toBe('ok');
    expect(committed(file)).toEqual(['c']);
    expect(lost()).toBe(1);
  });

  it('a lost group leaves no value cached from its uncommitted rows (table-generations.ts)', async () => {
    const file = newFile();
    const cache = new TableCache();
    const { db, database } = open(file, {}, cache);
    const store = db as unknown as Kysely<Database>;
    const name = (d: Kysely<Tables>) => async () =>
      (await sql<{ name: string }>`select name from people where id = 1`.execute(d)).rows[0]!.name;
    const rename = async (d: Kysely<Tables>, to: string) => {
      await sql`update people set name = ${to} where id = 1`.execute(d);
      await sql`update table_generations set generation = generation + 1 where name = 'users'`.execute(d);
    };
    database.failCommits = 1;
    const outcomes = await concurrently(db, [
      (t) => rename(t, 'uncommitted'),
      // The next member reads the table through the cache: the earlier member's rows, at generation 2.
      async (t) => {
        expect(await cachedReads(t as unknown as Kysely<Database>, cache, 'transaction').read('users', name(t))).toBe('uncommitted');
      },
    ]);
    expect(outcomes).toEqual(['disk I/O error (planted)', 'disk I/O error (planted)']);
    // A later commit reaches generation 2 again, with other rows.
    await db.transaction().execute((t) => rename(t, 'committed'));
    expect(await cachedReads(store, cache, 'call').read('users', name(db))).toBe('committed');
  });

  it('respects maxMembers', async () => {
    const file = newFile();
    const { db, groups } = open(file, { maxMembers: 3 });
    await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((tag) => db.transaction().execute((t) => note(t, tag).then(() => undefined))),
    );
    expect(groups).toEqual([3, 3, 1]);
    expect(committed(file)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('respects maxGroupMs: no one joins a group older than it', async () => {
    const file = newFile();
    const { db, groups } = open(file, { maxGroupMs: 20 });
    const slow = (tag: string) =>
      db.transaction().execute(async (t) => {
        await note(t, tag);
        await new Promise((r) => setTimeout(r, 30));
      });
    await Promise.all([slow('a'), slow('b'), slow('c')]);
    expect(groups).toEqual([1, 1, 1]);
  });

  it('maxMembers 1 turns grouping off', async () => {
    const file = newFile();
    const { db, groups } = open(file, { maxMembers: 1 });
    await Promise.all(['a', 'b', 'c'].map((tag) => db.transaction().execute((t) => note(t, tag).then(() => undefined))));
    expect(groups).toEqual([1, 1, 1]);
  });

  it('nextTurn: a transaction started before the next turn joins the group of one that ended; off, it does not', async () => {
    for (const nextTurn of [true, false]) {
      const file = newFile();
      const { db, groups } = open(file, { nextTurn });
      let second: Promise<void> | undefined;
      await db.transaction().execute(async (t) => {
        await note(t, 'a');
        // Queued before the first ends (so before its commit turn), started after it ended: nobody waited at its end.
        setImmediate(() => (second = db.transaction().execute((t2) => note(t2, 'b').then(() => undefined))));
      });
      await new Promise((r) => setImmediate(r));
      await second;
      expect(groups).toEqual(nextTurn ? [2] : [1, 1]);
      expect(committed(file)).toEqual(['a', 'b']);
    }
  });

  it('a statement outside any transaction commits the open group first and never sees a group that then fails', async () => {
    const file = newFile();
    const { db, database, groups } = open(file);
    let read: Promise<Array<{ tag: string }>> | undefined;
    await db.transaction().execute(async (t) => {
      await note(t, 'a');
      // Waits for the handle; at this member's end it is handed on, and the read commits the group before it runs.
      read = db.selectFrom('notes').select('tag').execute();
    });
    expect(await read).toEqual([{ tag: 'a' }]);
    expect(groups).toEqual([1]);

    // Planted: the group's COMMIT fails when the read arrives; the read sees the rolled-back state.
    database.failCommits = 1;
    let after: Promise<Array<{ tag: string }>> | undefined;
    const failing = db.transaction().execute(async (t) => {
      await note(t, 'b');
      after = db.selectFrom('notes').select('tag').orderBy('tag').execute();
    });
    await expect(failing).rejects.toThrow('planted');
    expect(await after).toEqual([{ tag: 'a' }]);
    expect(committed(file)).toEqual(['a']);
  });

  it('the background checkpointer’s hold (whileWritesHeld) waits for the group’s COMMIT, and nothing deadlocks', async () => {
    const file = newFile();
    const { db } = open(file);
    let seenByHold: string[] | undefined;
    let hold: Promise<void> | undefined;
    let later: Promise<void> | undefined;
    const txs = ['a', 'b', 'c'].map((tag) =>
      db.transaction().execute(async (t) => {
        await note(t, tag);
        if (tag !== 'a') return;
        // Asked for while the group is open (as the checkpoint worker may), then another transaction of the handle.
        hold = whileWritesHeld(file, async () => {
          seenByHold = committed(file);
        });
        later = db.transaction().execute((t2) => note(t2, 'd').then(() => undefined));
      }),
    );
    await Promise.all(txs);
    await Promise.all([hold, later]);
    // The later transaction of the same handle joined the open group; the hold ran after its COMMIT, never inside.
    expect(seenByHold).toEqual(['a', 'b', 'c', 'd']);
    expect(committed(file)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a second handle on the same file never joins: it waits for the COMMIT, and both finish', async () => {
    const file = newFile();
    const one = open(file);
    const two = open(file);
    const seenByTwo: string[][] = [];
    const txs = [
      ...['a', 'b'].map((tag) => one.db.transaction().execute((t) => note(t, tag).then(() => undefined))),
      two.db.transaction().execute(async (t) => {
        seenByTwo.push((await t.selectFrom('notes').select('tag').orderBy('tag').execute()).map((r) => r.tag));
        await note(t, 'x');
      }),
      ...['c', 'd'].map((tag) => one.db.transaction().execute((t) => note(t, tag).then(() => undefined))),
    ];
    await Promise.all(txs);
    expect(committed(file)).toEqual(['a', 'b', 'c', 'd', 'x']);
    // The second handle saw the first's group whole (committed), never part of it.
    expect([
      ['a', 'b'],
      ['a', 'b', 'c', 'd'],
    ]).toContainEqual(seenByTwo[0]);
    expect(two.groups).toEqual([1]);
  });

  it('property: committed set equals exactly the acknowledged set (random interleavings, failures, COMMIT faults)', async () => {
    const step = fc.record({
      tags: fc.integer({ min: 1, max: 3 }),
      fail: fc.constantFrom('none', 'none', 'throw', 'constraint', 'duplicate'),
      startAfter: fc.constantFrom('now', 'microtask', 'turn'),
      pauseInside: fc.boolean(),
      failCommit: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        async (steps, maxMembers, nextTurn) => {
          const file = newFile();
          const { db, database } = open(file, { maxMembers, nextTurn });
          const acked: string[] = [];
          const runs = steps.map(async (s, i) => {
            if (s.startAfter === 'microtask') await Promise.resolve();
            if (s.startAfter === 'turn') await new Promise((r) => setImmediate(r));
            if (s.failCommit) database.failCommits = 1;
            const tags = Array.from({ length: s.tags }, (_, k) => `t${i}_${k}`);
            try {
              await db.transaction().execute(async (t) => {
                for (const tag of tags) await note(t, tag);
                if (s.pauseInside) await new Promise((r) => setImmediate(r));
                if (s.fail === 'throw') throw new Error('planted');
                if (s.fail === 'constraint') await note(t, `bad${i}`, -1);
                if (s.fail === 'duplicate') await note(t, tags[0]!);
              });
              acked.push(...tags);
            } catch {
              // not acknowledged
            }
          });
          await Promise.all(runs);
          database.failCommits = 0;
          expect(committed(file)).toEqual([...acked].sort());
          // Still usable afterwards.
          await db.transaction().execute((t) => note(t, 'zz').then(() => undefined));
          expect(committed(file)).toContain('zz');
          for (const c of closers.splice(0)) await c();
        },
      ),
      { numRuns: 60 },
    );
  });
});
