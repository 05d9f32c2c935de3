import { Kysely, sql, type Driver, type Generated } from 'kysely';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { deferrable } from '../../src/store/sql/deferred-writes.ts';
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

describe('write batching on SQLite', () => {
  let counter: StatementCounter | undefined;
  afterEach(() => counter?.stop());

  async function open(mode: WriteBatching = SQLITE_BATCHING) {
    const raw = new DatabaseSync(':memory:');
    raw.exec('create table notes (id integer primary key, body text not null, n integer not null check (n >= 0))');
    raw.exec('create table other (id integer primary key)');
    const db = new Kysely<Tables>({ dialect: new Batching(raw, mode) });
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
