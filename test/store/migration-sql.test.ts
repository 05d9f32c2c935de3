import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import type { StoreDialect } from '../../src/store/unit-of-work.ts';

/**
 * A released migration must never change what it does to a database. Every statement each migration issues, on both
 * dialects, is compared with fixtures/migrations.sql (recorded before the migrations were split into one helper per
 * table, so the split is proven not to change a byte). A new migration appends to the fixture; an old one never does.
 */
async function emittedSql(dialect: StoreDialect): Promise<string> {
  const out: string[] = [];
  const pg = dialect === 'postgres';
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => (pg ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (d) => (pg ? new PostgresIntrospector(d) : new SqliteIntrospector(d)),
      createQueryCompiler: () => (pg ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
    log: (event) => {
      out.push(`${event.query.sql} ${JSON.stringify(event.query.parameters)}`);
    },
  });
  for (const m of MIGRATIONS) {
    out.push(`-- ${m.version} ${m.name}`);
    await m.up(db, dialect);
  }
  return `== ${dialect}\n${out.join('\n')}`;
}

describe('migration SQL', () => {
  it('every migration issues exactly the recorded statements on SQLite and PostgreSQL', async () => {
    const recorded = readFileSync(join(import.meta.dirname, 'fixtures', 'migrations.sql'), 'utf8');
    expect(`${await emittedSql('sqlite')}\n${await emittedSql('postgres')}\n`).toBe(recorded);
  });
});
