import { Kysely, sql } from 'kysely';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrations/runner.ts';
import type { Database } from '../../src/store/sql/schema.ts';
import { shapeSizedChunks, StatementShapes } from '../../src/store/sql/statement-shapes.ts';
import { NodeSqliteDatabase, NodeSqliteDialect } from '../../src/store/sqlite/node-sqlite-dialect.ts';

/** The hot inserts compiled once per shape (src/store/sql/statement-shapes.ts): same rows written, fewer compilations. */
describe('statement shapes', () => {
  const open = async () => {
    const db = new Kysely<Database>({ dialect: new NodeSqliteDialect(new NodeSqliteDatabase(new DatabaseSync(':memory:')), null) });
    await migrate(db, { dialect: 'sqlite' });
    return db;
  };
  const read = (db: Kysely<Database>) =>
    db.selectFrom('table_generations').selectAll().where('name', 'like', 't%').orderBy('name').execute();

  it('compiles a shape once and binds each call its own values; other row counts are other shapes', async () => {
    const db = await open();
    const shapes = new StatementShapes();
    let builds = 0;
    const insert = (rows: readonly { name: string; generation: number }[]) =>
      shapes.run(db, 'gens', rows, (r) => (builds++, db.insertInto('table_generations').values(r)));
    await insert([{ name: 't1', generation: 1 }]);
    await insert([{ name: 't2', generation: 2 }]);
    await insert([
      { name: 't3', generation: 3 },
      { name: 't4', generation: 4 },
    ]);
    await insert([
      { name: 't5', generation: 5 },
      { name: 't6', generation: 6 },
    ]);
    expect(builds).toBe(2);
    expect((await read(db)).map((r) => [r.name, Number(r.generation)])).toEqual([
      ['t1', 1],
      ['t2', 2],
      ['t3', 3],
      ['t4', 4],
      ['t5', 5],
      ['t6', 6],
    ]);
    await db.destroy();
  });

  it('an upsert whose update reads `excluded` or its own row is one shape: compiled once, each call updates with its values', async () => {
    // the shape of routingState.apply and personalData.put (issue 18): no value in the ON CONFLICT part
    const db = await open();
    const shapes = new StatementShapes();
    let builds = 0;
    const upsert = (name: string, generation: number) =>
      shapes.run(db, 'gens.upsert', [{ name, generation }], (r) => {
        builds++;
        return db
          .insertInto('table_generations')
          .values(r)
          .onConflict((oc) =>
            oc.column('name').doUpdateSet({ generation: sql<number>`excluded.generation + table_generations.generation` }),
          );
      });
    await upsert('t1', 1);
    await upsert('t1', 10);
    await upsert('t2', 5);
    await upsert('t1', 100);
    expect(builds).toBe(1);
    expect((await read(db)).map((r) => [r.name, Number(r.generation)])).toEqual([
      ['t1', 111],
      ['t2', 5],
    ]);
    await db.destroy();
  });

  it('a build that takes a value from elsewhere is compiled on every call (never bound to stale values)', async () => {
    const db = await open();
    const shapes = new StatementShapes();
    let builds = 0;
    const insert = (name: string, generation: number) =>
      shapes.run(
        db,
        'gens',
        [{ name }],
        (r) => (builds++, db.insertInto('table_generations').values(r.map((x) => ({ ...x, generation })))),
      );
    await insert('t1', 10);
    await insert('t2', 20);
    expect(builds).toBe(3); // once to learn the shape (refused, remembered as such), then once for each call
    expect((await read(db)).map((r) => [r.name, Number(r.generation)])).toEqual([
      ['t1', 10],
      ['t2', 20],
    ]);
    await db.destroy();
  });

  it('a select compiles once per shape (each list its length), binds its own values, refuses a value from elsewhere', async () => {
    const db = await open();
    const shapes = new StatementShapes();
    await db
      .insertInto('table_generations')
      .values(['t1', 't2', 't3', 't4'].map((name, i) => ({ name, generation: i + 1 })))
      .execute();
    let builds = 0;
    const select = (names: readonly string[], above: number) =>
      shapes
        .query(db, 'gens', { names, above }, (p) => {
          builds++;
          return db
            .selectFrom('table_generations')
            .select('name')
            .where('name', 'in', p.names)
            .where('generation', '>', p.above)
            .orderBy('name');
        })
        .then((r) => r.rows.map((x) => x.name));
    expect(await select(['t1', 't2'], 0)).toEqual(['t1', 't2']);
    expect(await select(['t3', 't4'], 3)).toEqual(['t4']);
    expect(await select(['t2', 't3', 't4'], 1)).toEqual(['t2', 't3', 't4']);
    expect(await select(['t1', 't4', 't2'], 1)).toEqual(['t2', 't4']);
    expect(builds).toBe(2);

    let limit = 1;
    const limited = (names: readonly string[]) =>
      shapes
        .query(
          db,
          'limited',
          { names },
          (p) => (builds++, db.selectFrom('table_generations').select('name').where('name', 'in', p.names).orderBy('name').limit(limit)),
        )
        .then((r) => r.rows.map((x) => x.name));
    builds = 0;
    expect(await limited(['t1', 't2'])).toEqual(['t1']);
    limit = 2;
    expect(await limited(['t1', 't2'])).toEqual(['t1', 't2']);
    expect(builds).toBe(3); // once to learn the shape (refused), then once for each call
    await db.destroy();
  });
});

describe('shape-sized chunks', () => {
  it('covers the items in order with max-sized chunks, then each power of two of the remainder once, largest first', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 9, 127, 128, 129, 255, 383, 1000]) {
      const items = Array.from({ length: n }, (_, i) => i);
      const chunks = shapeSizedChunks(items, 128);
      expect(chunks.flat()).toEqual(items);
      const sizes = chunks.map((c) => c.length);
      const full = Math.floor(n / 128);
      expect(sizes.slice(0, full)).toEqual(Array(full).fill(128));
      const rest = sizes.slice(full);
      expect(rest).toEqual([64, 32, 16, 8, 4, 2, 1].filter((p) => (n % 128) & p));
    }
  });

  it('refuses a chunk size that is not a power of two', () => {
    expect(() => shapeSizedChunks([1, 2, 3], 100)).toThrow(RangeError);
  });
});
