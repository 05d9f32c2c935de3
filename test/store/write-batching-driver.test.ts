import { Kysely, sql, type Driver, type Generated } from 'kysely';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { amendableInsert, amendHeldWrite, deferrable } from '../../src/store/sql/deferred-writes.ts';
import { SQLITE_BATCHING, WriteBatchingDriver, type WriteBatching } from '../../src/store/sql/write-batching-driver.ts';
import { NodeSqliteDatabase, NodeSqliteDialect } from '../../src/store/sqlite/node-sqlite-dialect.ts';
import { startStatementCounter, type StatementCounter } from '../support/statement-counter.ts';

/**
 * The write-batching driver in SQLite's mode (src/store/sql/write-batching-driver.ts, issue 18): a transaction's
 * deferrable appends of one table become one INSERT, held until a statement names the table or COMMIT; other
 * statements run at once. PostgreSQL's mode is covered by test/store/contract/deferred-writes.contract.test.ts.
 */
interface Tables {
  notes: { id: Generated<number>; body: string; n: number };
  other: { id: number };
  parent: { id: number; v: string };
  child: { id: number; parent_id: number };
}

class Batching extends NodeSqliteDialect {
  readonly #mode: WriteBatching;
  constructor(raw: DatabaseSync, mode: WriteBatching) {
    super(new NodeSqliteDatabase(raw), null);
    this.#mode = mode;
  }
  override createDriver(): Driver {
    return new WriteBatchingDriver(super.createDriver(), this.#mode);
  }
}

/** An in-memory database with the tables below, behind the write-batching driver in `mode`. */
function openTables(mode: WriteBatching) {
  const raw = new DatabaseSync(':memory:');
  raw.exec('PRAGMA foreign_keys = ON');
  raw.exec('create table notes (id integer primary key, body text not null, n integer not null check (n >= 0))');
  raw.exec('create table other (id integer primary key)');
  raw.exec('create table parent (id integer primary key, v text not null)');
  raw.exec('create table child (id integer primary key, parent_id integer not null references parent (id))');
  return { raw, db: new Kysely<Tables>({ dialect: new Batching(raw, mode) }) };
}

describe('write batching on SQLite', () => {
  let counter: StatementCounter | undefined;
  afterEach(() => counter?.stop());

  async function open(mode: WriteBatching = SQLITE_BATCHING) {
    const { raw, db } = openTables(mode);
    const note = (d: Kysely<Tables>, body: string, n = 1) =>
      d.executeQuery(deferrable(d.insertInto('notes').values({ body, n }).compile(), 'notes'));
    const bodies = () => (raw.prepare('select body from notes order by id').all() as { body: string }[]).map((r) => r.body);
    counter = startStatementCounter();
    return { db, raw, note, bodies, count: () => counter!.snapshot().total };
  }

  it('appends of one table around other statements become one INSERT at COMMIT, rows in the order asked', async () => {
    const { db, note, bodies, count } = await open();
    await db.transaction().execute(async (tx) => {
      await note(tx, 'a');
      await tx.selectFrom('other').selectAll().execute();
      await note(tx, 'b');
      await tx.insertInto('other').values({ id: 1 }).execute();
      await note(tx, 'c');
    });
    // BEGIN, the select, the other insert, the three notes in one INSERT, COMMIT.
    expect(count()).toBe(5);
    expect(bodies()).toEqual(['a', 'b', 'c']);
  });

  it('a statement naming a held table sends the held writes first and sees them', async () => {
    const { db, note, count } = await open();
    const seen = await db.transaction().execute(async (tx) => {
      await note(tx, 'a');
      await note(tx, 'b');
      const rows = await tx.selectFrom('notes').select('body').orderBy('id').execute();
      await note(tx, 'c');
      return rows.map((r) => r.body);
    });
    expect(seen).toEqual(['a', 'b']);
    // BEGIN, a+b, the read, c, COMMIT.
    expect(count()).toBe(5);
  });

  it('never binds more parameters in one INSERT than the dialect allows', async () => {
    const { db, note, bodies, count } = await open({ ...SQLITE_BATCHING, maxParameters: 4 });
    await db.transaction().execute(async (tx) => {
      for (const body of ['a', 'b', 'c', 'd', 'e']) await note(tx, body);
    });
    // Two parameters a row, four at most: a+b, c+d, e, between BEGIN and COMMIT.
    expect(count()).toBe(5);
    expect(bodies()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a held write that fails makes the next statement naming its table (or COMMIT) fail, and nothing is left', async () => {
    const { db, note, bodies, raw } = await open();
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.insertInto('other').values({ id: 7 }).execute();
        await note(tx, 'a');
        await note(tx, 'bad', -1);
      }),
    ).rejects.toThrow(/CHECK constraint/);
    let failedAt = '';
    await expect(
      db.transaction().execute(async (tx) => {
        await note(tx, 'bad', -1);
        await tx.selectFrom('other').selectAll().execute();
        failedAt = 'after the other read';
        await sql`select count(*) from notes`.execute(tx);
        failedAt = 'after the read of notes';
      }),
    ).rejects.toThrow(/CHECK constraint/);
    expect(failedAt).toBe('after the other read');
    expect(bodies()).toEqual([]);
    expect(raw.prepare('select count(*) as n from other').get()).toEqual({ n: 0 });
  });

  it('a rollback drops what is held, and outside a transaction a marked write runs at once', async () => {
    const { db, note, bodies, count } = await open();
    await expect(
      db.transaction().execute(async (tx) => {
        await note(tx, 'a');
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    // BEGIN, ROLLBACK: the held insert was never sent.
    expect(count()).toBe(2);
    await note(db, 'outside');
    expect(count()).toBe(3);
    expect(bodies()).toEqual(['outside']);
  });

  it('appends of other columns are not merged; a held table written by another statement kind is sent first', async () => {
    const { db, bodies, count } = await open();
    await db.transaction().execute(async (tx) => {
      await tx.executeQuery(deferrable(tx.insertInto('notes').values({ body: 'a', n: 1 }).compile(), 'notes'));
      await tx.executeQuery(deferrable(tx.insertInto('notes').values({ id: 10, body: 'b', n: 1 }).compile(), 'notes'));
      await tx.executeQuery(deferrable(tx.updateTable('notes').set({ body: 'B' }).where('id', '=', 10).compile(), 'notes'));
    });
    // BEGIN, a, b, the update, COMMIT: the update must see b.
    expect(count()).toBe(5);
    expect(bodies()).toEqual(['a', 'B']);
  });
});

/**
 * Amendable inserts (deferred-writes.ts `amendableInsert`, lane leadfold): the row a transaction inserts and later
 * changes is held, replaced by its final form, and written once; while held, only reads that do not name its table run
 * before it (other rows may reference it: foreign keys are checked per statement on SQLite).
 */
describe('amendable held inserts on SQLite', () => {
  let counter: StatementCounter | undefined;
  afterEach(() => counter?.stop());

  async function open(mode: WriteBatching = SQLITE_BATCHING) {
    const { raw, db } = openTables(mode);
    const parent = (d: Kysely<Tables>, id: number, v: string) =>
      amendableInsert(d.insertInto('parent').values({ id, v }).compile(), 'parent');
    const heldChild = (d: Kysely<Tables>, id: number, parentId: number) =>
      d.executeQuery(deferrable(d.insertInto('child').values({ id, parent_id: parentId }).compile(), 'child'));
    const rows = (table: string) =>
      raw
        .prepare(`select * from ${table} order by id`)
        .all()
        .map((r) => ({ ...r }));
    const sent = () => [...counter!.snapshot().byStatement.keys()];
    counter = startStatementCounter();
    return { db, raw, parent, heldChild, rows, sent, count: () => counter!.snapshot().total };
  }

  it('an insert replaced while held is written once, with the final values, at COMMIT', async () => {
    const { db, parent, heldChild, rows, count, sent } = await open();
    await db.transaction().execute(async (tx) => {
      const first = parent(tx, 1, 'new');
      await tx.executeQuery(first);
      await heldChild(tx, 10, 1);
      await tx.selectFrom('other').selectAll().execute();
      const second = parent(tx, 1, 'decided');
      expect(amendHeldWrite(first, second)).toBe(true);
      // The replacement is the held write now: it may be replaced again.
      expect(amendHeldWrite(second, parent(tx, 1, 'final'))).toBe(true);
    });
    // BEGIN, the read, the parent (first: the child references it), the child, COMMIT; no update.
    expect(count()).toBe(5);
    expect(sent().some((s) => s.startsWith('update'))).toBe(false);
    expect(rows('parent')).toEqual([{ id: 1, v: 'final' }]);
    expect(rows('child')).toEqual([{ id: 10, parent_id: 1 }]);
  });

  it('a read naming its table sends it first and sees it; it cannot be replaced after that', async () => {
    const { db, parent, rows } = await open();
    const seen = await db.transaction().execute(async (tx) => {
      const first = parent(tx, 1, 'new');
      await tx.executeQuery(first);
      const read = await tx.selectFrom('parent').select('v').execute();
      expect(amendHeldWrite(first, parent(tx, 1, 'too late'))).toBe(false);
      return read.map((r) => r.v);
    });
    expect(seen).toEqual(['new']);
    expect(rows('parent')).toEqual([{ id: 1, v: 'new' }]);
  });

  it('any other write sends it first (it may reference the row); the other held writes stay held', async () => {
    const { db, parent, rows, count } = await open();
    await db.transaction().execute(async (tx) => {
      await tx.executeQuery(deferrable(tx.insertInto('notes').values({ body: 'a', n: 1 }).compile(), 'notes'));
      const first = parent(tx, 1, 'new');
      await tx.executeQuery(first);
      // Not marked: runs at once, so the parent row must be there before it (foreign key checked now).
      await tx.insertInto('child').values({ id: 10, parent_id: 1 }).execute();
      expect(amendHeldWrite(first, parent(tx, 1, 'too late'))).toBe(false);
      await tx.executeQuery(deferrable(tx.insertInto('notes').values({ body: 'b', n: 1 }).compile(), 'notes'));
    });
    // BEGIN, the parent, the child, the two notes as one INSERT, COMMIT.
    expect(count()).toBe(5);
    expect(rows('parent')).toEqual([{ id: 1, v: 'new' }]);
    expect(rows('child')).toEqual([{ id: 10, parent_id: 1 }]);
    expect(rows('notes').map((r) => r.body)).toEqual(['a', 'b']);
  });

  it('is sent before the held writes asked for before it (they may reference its row)', async () => {
    const { db, raw, parent, heldChild, rows } = await open();
    raw.exec("insert into parent (id, v) values (2, 'old')");
    await db.transaction().execute(async (tx) => {
      await heldChild(tx, 20, 2);
      await tx.executeQuery(parent(tx, 1, 'new'));
      await heldChild(tx, 10, 1); // merged with the first child: one INSERT that needs parent 1
    });
    expect(rows('parent')).toEqual([
      { id: 1, v: 'new' },
      { id: 2, v: 'old' },
    ]);
    expect(rows('child')).toEqual([
      { id: 10, parent_id: 1 },
      { id: 20, parent_id: 2 },
    ]);
  });

  it('a second insert of the table (amendable or not) sends the first; each stays its own statement', async () => {
    const { db, parent, rows, count } = await open();
    await db.transaction().execute(async (tx) => {
      const first = parent(tx, 1, 'one');
      await tx.executeQuery(first);
      const second = parent(tx, 2, 'two');
      await tx.executeQuery(second);
      expect(amendHeldWrite(first, parent(tx, 1, 'too late'))).toBe(false);
      expect(amendHeldWrite(second, parent(tx, 2, 'TWO'))).toBe(true);
      // A plain (not amendable) append of the table is not merged into it either: it is sent first, then held itself.
      await tx.executeQuery(deferrable(tx.insertInto('parent').values({ id: 3, v: 'three' }).compile(), 'parent'));
      expect(amendHeldWrite(second, parent(tx, 2, 'too late'))).toBe(false);
    });
    // BEGIN, one, two, three, COMMIT.
    expect(count()).toBe(5);
    expect(rows('parent')).toEqual([
      { id: 1, v: 'one' },
      { id: 2, v: 'TWO' },
      { id: 3, v: 'three' },
    ]);
  });

  it('a failing one (the id exists) fails the COMMIT and nothing of the transaction is kept', async () => {
    const { db, raw, parent, heldChild, rows } = await open();
    raw.exec("insert into parent (id, v) values (1, 'there')");
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.insertInto('other').values({ id: 7 }).execute();
        const first = parent(tx, 1, 'new');
        await tx.executeQuery(first);
        await heldChild(tx, 10, 1);
        expect(amendHeldWrite(first, parent(tx, 1, 'decided'))).toBe(true);
      }),
    ).rejects.toThrow(/UNIQUE constraint failed: parent.id/);
    expect(rows('parent')).toEqual([{ id: 1, v: 'there' }]);
    expect(rows('child')).toEqual([]);
    expect(rows('other')).toEqual([]);
  });

  it('a rollback drops it unsent; outside a transaction, or where held rows are not amended, it runs at once', async () => {
    const { db, parent, rows, count } = await open();
    let held = parent(db, 1, 'x');
    await expect(
      db.transaction().execute(async (tx) => {
        held = parent(tx, 1, 'rolled back');
        await tx.executeQuery(held);
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    expect(amendHeldWrite(held, parent(db, 1, 'after'))).toBe(false);
    // BEGIN, ROLLBACK.
    expect(count()).toBe(2);
    const outside = parent(db, 1, 'outside');
    await db.executeQuery(outside);
    expect(amendHeldWrite(outside, parent(db, 1, 'no'))).toBe(false);
    expect(rows('parent')).toEqual([{ id: 1, v: 'outside' }]);

    const other = await open({ ...SQLITE_BATCHING, amendsHeldRows: false });
    await other.db.transaction().execute(async (tx) => {
      const first = other.parent(tx, 1, 'at once');
      await tx.executeQuery(first);
      expect(other.rows('parent')).toEqual([{ id: 1, v: 'at once' }]);
      expect(amendHeldWrite(first, other.parent(tx, 1, 'no'))).toBe(false);
    });
  });
});
