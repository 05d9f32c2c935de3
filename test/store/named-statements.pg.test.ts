import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameRepeatedStatements, statementName } from '../../src/store/postgres/named-statements.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { dropSchema, newSchemaName, PG_URL } from './store-harness.ts';

/**
 * Repeating statement texts sent as named (prepared) statements on PostgreSQL (src/store/postgres/named-statements.ts,
 * issue 18 lane pgmerge): what is named, and that naming changes nothing a caller sees — pipelined uses of one name, a
 * name first used behind a failed statement, a rollback, a column added while a statement is prepared.
 */

/** A text no other test (or earlier run in this process) has used. */
let unique = 0;
const fresh = (body: string) => `${body} -- ${process.pid}_${++unique}`;

describe('statementName', () => {
  it('names a text from its second use on, always with the same name, and different texts differently', () => {
    const a = fresh('select 1 as "n"');
    const b = fresh('select 2 as "n"');
    expect(statementName(a)).toBeUndefined();
    const name = statementName(a);
    expect(name).toMatch(/^remit_\d+$/);
    expect(statementName(a)).toBe(name);
    expect(statementName(b)).toBeUndefined();
    expect(statementName(b)).not.toBe(name);
  });

  it('never names a text whose * may stand for a table’s columns; count(*) and a derived table are named', () => {
    for (const star of ['select * from "t" where "id" = $1', 'insert into "t" ("a") values ($1) returning *', 'select "t".* from "t"']) {
      const text = fresh(star);
      for (let i = 0; i < 3; i++) expect(statementName(text)).toBeUndefined();
    }
    for (const safe of ['select count(*) as "n" from "t"', 'select * from (select "a" from "t") as "s"']) {
      const text = fresh(safe);
      statementName(text);
      expect(statementName(text)).toMatch(/^remit_\d+$/);
    }
  });
});

describe('named statements on a pipelined PostgreSQL connection', () => {
  const schema = newSchemaName();
  let pool: pg.Pool;

  beforeAll(async () => {
    // As postgres-store.ts opens its pool: pipelined, every connection's repeating texts named.
    pool = new pg.Pool({ connectionString: PG_URL, max: 1, pipeline: true, options: `-c search_path=${schema}` });
    pool.on('connect', (client) => nameRepeatedStatements(client));
    const c = await pool.connect();
    try {
      await c.query(`create schema ${schema}`);
      await c.query('create table t (id int primary key, v text not null)');
      await c.query(`insert into t values (1, 'one'), (2, 'two')`);
    } finally {
      c.release();
    }
  });

  afterAll(async () => {
    await pool.end();
    await dropSchema(schema);
  });

  /** The session's prepared statements (pg_prepared_statements is per session: this pool's one connection). */
  const prepared = async (c: pg.PoolClient) =>
    (await c.query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map((r) => r.statement);

  it('parses a repeating text once and answers every use, several in one round trip', async () => {
    const text = fresh('select "v" from t where "id" = $1');
    const c = await pool.connect();
    try {
      // First use unnamed; then three uses written together: the first of them parses the name, the others bind it.
      expect((await c.query(text, [1])).rows).toEqual([{ v: 'one' }]);
      const answers = await Promise.all([c.query(text, [2]), c.query(text, [1]), c.query(text, [3])]);
      expect(answers.map((a) => a.rows)).toEqual([[{ v: 'two' }], [{ v: 'one' }], []]);
      expect((await prepared(c)).filter((s) => s === text)).toHaveLength(1);
    } finally {
      c.release();
    }
  });

  it('a name first used behind a failed statement is parsed again after the rollback', async () => {
    const text = fresh('select "v" from t where "id" = $1');
    statementName(text); // seen once: its next use is named
    const c = await pool.connect();
    try {
      await c.query('begin');
      // Pipelined: the failing statement aborts the transaction, so the server refuses the named one's Parse too.
      const [failed, behind] = await Promise.allSettled([c.query('select 1 / $1::int', [0]), c.query(text, [1])]);
      expect(failed.status).toBe('rejected');
      expect(behind.status).toBe('rejected');
      await c.query('rollback');
      expect((await c.query(text, [2])).rows).toEqual([{ v: 'two' }]);
      expect((await c.query(text, [1])).rows).toEqual([{ v: 'one' }]);
    } finally {
      c.release();
    }
  });

  it('a statement named in a transaction that rolled back is still usable (the name belongs to the session)', async () => {
    const text = fresh('update t set "v" = $1 where "id" = $2');
    const c = await pool.connect();
    try {
      await c.query('begin');
      await c.query(text, ['x', 1]);
      await c.query(text, ['y', 1]);
      await c.query('rollback');
      await c.query(text, ['uno', 1]);
      expect((await c.query('select "v" from t where "id" = 1')).rows).toEqual([{ v: 'uno' }]);
      await c.query(text, ['one', 1]);
    } finally {
      c.release();
    }
  });

  it('select * still answers with a column added after it was first sent (a newer instance migrating)', async () => {
    const text = fresh('select * from t where "id" = $1');
    const c = await pool.connect();
    try {
      for (let i = 0; i < 3; i++) expect((await c.query(text, [1])).rows).toEqual([{ id: 1, v: 'one' }]);
      await c.query(`alter table t add column w text not null default 'w'`);
      expect((await c.query(text, [1])).rows).toEqual([{ id: 1, v: 'one', w: 'w' }]);
    } finally {
      await c.query('alter table t drop column if exists w');
      c.release();
    }
  });
});

describe('the PostgreSQL store', () => {
  it('sends its repeating statements named', async () => {
    const schema = newSchemaName();
    const store = await openPostgresStore({ url: PG_URL, schema, poolSize: 1 });
    const sent: { name?: string; text?: string }[] = [];
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const original = proto.query;
    proto.query = function (this: pg.Client, ...args: unknown[]) {
      if (typeof args[0] === 'object' && args[0] !== null) sent.push(args[0] as { name?: string; text?: string });
      return original.apply(this, args);
    };
    try {
      for (let i = 0; i < 3; i++) await store.transaction((tx) => tx.dedupe.lockKeys([`email:named${i}@example.com`]));
    } finally {
      proto.query = original;
      await store.close();
      await dropSchema(schema);
    }
    const locks = sent.filter((q) => q.text?.startsWith('insert into "dedupe_locks"'));
    expect(locks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(locks.map((q) => q.name)).size).toBe(1);
    expect(locks[0]!.name).toMatch(/^remit_\d+$/);
  });
});
