import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticate, hashSecret } from '../../src/app/access/api-keys.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { migrate } from '../../src/store/migrations/runner.ts';
import { openStore } from '../../src/store/open-store.ts';
import { NodeSqliteDatabase, NodeSqliteDialect } from '../../src/store/sqlite/node-sqlite-dialect.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { dropSchema, newSchemaName, PG_URL } from './store-harness.ts';

/**
 * Migration 9 (people, docs/access.md) on a store that predates people: one person per existing key
 * (named after it, holding its role — integration → integration-owner — active unless the key was
 * revoked, created by whoever created the key), the key tied to that person, open reviews requested
 * with a key re-attributed to its person, and every old key still authenticating as before.
 */

const BEFORE_PEOPLE = MIGRATIONS.filter((m) => m.version < 9);
const AT = '2026-11-01T09:00:00.000Z';
const TOKENS = {
  key_admin: 'remit_legacy-admin-token',
  key_ops: 'remit_legacy-ops-token',
  key_rep: 'remit_legacy-rep-token',
  key_int: 'remit_legacy-integration-token',
  key_gone: 'remit_legacy-revoked-token',
} as const;

/**
 * A store at migration 8: keys of every role (one revoked); an open and a decided review, a pending and a decided list
 * reload, all requested by a key.
 */
async function seedAtVersion8(db: Kysely<unknown>): Promise<void> {
  const keys: [keyof typeof TOKENS, string, string, string | null, string, string | null][] = [
    ['key_admin', 'first admin key', 'admin', null, 'bootstrap', null],
    ['key_ops', 'ops desk', 'ops', null, 'key_admin', null],
    ['key_rep', 'amelia', 'rep', 'amelia-hughes', 'key_admin', null],
    ['key_int', 'web forms', 'integration', null, 'key_admin', null],
    ['key_gone', 'old compliance', 'compliance', null, 'key_admin', '2026-11-02T00:00:00.000Z'],
  ];
  for (const [id, name, role, repId, createdBy, revokedAt] of keys)
    await sql`insert into api_keys (id, name, role, rep_id, secret_hash, created_at, created_by, revoked_at)
      values (${id}, ${name}, ${role}, ${repId}, ${hashSecret(TOKENS[id])}, ${AT}, ${createdBy}, ${revokedAt})`.execute(db);
  await sql`insert into org_versions (hash, version, config_json, created_at, created_by)
    values ('h1', 'v1', '{}', ${AT}, 'system')`.execute(db);
  for (const lead of ['lead_1', 'lead_2'])
    await sql`insert into leads (id, status, org_hash, lead_json, received_at, updated_at)
      values (${lead}, 'REFUSED', 'h1', '{}', ${AT}, ${AT})`.execute(db);
  await sql`insert into reviews (id, lead_id, status, kind, reason_codes_json, requested_by, requested_at)
    values ('rev_open', 'lead_1', 'OPEN', 'EXCEPTION', '[]', 'key_ops', ${AT})`.execute(db);
  await sql`insert into reviews (id, lead_id, status, kind, reason_codes_json, requested_by, requested_at, decided_by, decided_at,
      resolution_json)
    values ('rev_done', 'lead_2', 'REJECTED', 'EXCEPTION', '[]', 'key_ops', ${AT}, 'key_gone', ${AT}, '{}')`.execute(db);
  for (const [id, status] of [
    ['lrl_pending', 'pending'],
    ['lrl_done', 'approved'],
  ])
    await sql`insert into screening_list_reloads (id, source_id, status, requested_by, requested_at, new_sha256, new_entry_count)
      values (${id}, 'blocklist', ${status}, 'key_ops', ${AT}, 'abc', 0)`.execute(db);
}

interface Target {
  /** The database at migration 8, seeded; closed when done. */
  prepare(): Promise<void>;
  /** Opens it with today's Remit, which runs migration 9. */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'remit-legacy-'));
  const file = join(dir, 'remit.sqlite');
  return {
    async prepare() {
      const db = new Kysely<unknown>({ dialect: new NodeSqliteDialect(new NodeSqliteDatabase(new DatabaseSync(file)), null) });
      await migrate(db, { dialect: 'sqlite', migrations: BEFORE_PEOPLE });
      await seedAtVersion8(db);
      await db.destroy();
    },
    open: () => openStore({ url: `sqlite:${file}` }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresTarget(): Target {
  const schema = newSchemaName();
  return {
    async prepare() {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` });
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      await migrate(db, { dialect: 'postgres', schema, migrations: BEFORE_PEOPLE });
      await seedAtVersion8(db);
      await db.destroy();
    },
    open: () => openStore({ url: PG_URL, schema }),
    cleanup: () => dropSchema(schema),
  };
}

const dialects = await bothDialects();

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe.each(dialects)('migration 9 adopts legacy keys: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  it('one person per key, key.userId set, open review re-attributed, old keys still authenticate', async () => {
    const target = factory.name === 'sqlite' ? sqliteTarget() : postgresTarget();
    cleanup.push(() => target.cleanup());
    await target.prepare();
    const store = await target.open();
    cleanup.push(() => store.close());
    expect(await store.appliedMigrations()).toEqual(MIGRATIONS.map((m) => m.version));

    const people = await store.users.list();
    expect(people.map((p) => [p.id, p.name, p.roles, p.status, p.repId, p.email, p.createdBy]).sort()).toEqual(
      [
        ['usr_key_admin', 'first admin key', ['admin'], 'active', null, null, 'bootstrap'],
        ['usr_key_gone', 'old compliance', ['compliance'], 'left', null, null, 'key_admin'],
        ['usr_key_int', 'web forms', ['integration-owner'], 'active', null, null, 'key_admin'],
        ['usr_key_ops', 'ops desk', ['ops'], 'active', null, null, 'key_admin'],
        ['usr_key_rep', 'amelia', ['rep'], 'active', 'amelia-hughes', null, 'key_admin'],
      ].sort(),
    );
    expect((await store.apiKeys.list()).map((k) => [k.id, k.userId]).sort()).toEqual(
      Object.keys(TOKENS)
        .map((id) => [id, `usr_${id}`])
        .sort(),
    );
    // Each person's role came through a recorded grant, by whoever created the key, when it was created.
    expect(await store.users.grants('usr_key_ops')).toMatchObject([
      { role: 'ops', grantedBy: 'key_admin', grantedAt: AT, revokedAt: null },
    ]);

    // The open review is now the person's (segregation of duties compares people); a decided one keeps its recorded history.
    expect((await store.reviews.get('rev_open'))!.requestedBy).toBe('usr_key_ops');
    expect(await store.reviews.get('rev_done')).toMatchObject({ requestedBy: 'key_ops', decidedBy: 'key_gone' });
    expect((await store.screeningLists.getPending('lrl_pending'))!.requestedBy).toBe('usr_key_ops');
    expect((await store.screeningLists.getPending('lrl_done'))!.requestedBy).toBe('key_ops');

    // Every key that worked still works, as its person with its one role; the revoked one still does not.
    expect(await authenticate(store, TOKENS.key_ops)).toEqual({
      userId: 'usr_key_ops',
      name: 'ops desk',
      roles: ['ops'],
      repId: null,
      keyId: 'key_ops',
    });
    expect(await authenticate(store, TOKENS.key_rep)).toMatchObject({ userId: 'usr_key_rep', roles: ['rep'], repId: 'amelia-hughes' });
    expect(await authenticate(store, TOKENS.key_int)).toMatchObject({ userId: 'usr_key_int', roles: ['integration'] });
    expect(await authenticate(store, TOKENS.key_admin)).toMatchObject({ userId: 'usr_key_admin', roles: ['admin'] });
    expect(await authenticate(store, TOKENS.key_gone)).toBeNull();
  });
});
