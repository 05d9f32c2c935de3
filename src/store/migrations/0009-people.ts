import { sql, type Kysely } from 'kysely';
import type { Migration } from './migration.ts';

const PERSON_ROLES = `('admin','ops','compliance','rep','integration-owner')`;

/**
 * People (docs/access.md): every action is attributed to a person, API keys belong to a person, and
 * segregation of duties compares people. Adds users, their role-grant history (who granted which role
 * when: the segregation rule looks back over it), one-time sign-in links and OpenID Connect login
 * states, and ties keys and console sessions to a person.
 *
 * Existing keys predate people: each becomes the key of a person of its own (named after the key,
 * holding the key's role, no e-mail), and open reviews requested with a key are re-attributed to that
 * person. Sessions are short-lived and bound to a person from now on, so the old session table is
 * replaced (everyone signs in again once).
 */
export const people: Migration = {
  version: 9,
  name: 'people',
  async up<DB>(db: Kysely<DB>) {
    await createUsers(db);
    await createRoleGrants(db);
    await db.schema.alterTable('api_keys').addColumn('user_id', 'text').execute();
    await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();
    await adoptLegacyKeys(db);
    await db.schema.dropTable('console_sessions').execute();
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text')
      .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('key','password','oidc','link')`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_expires').on('console_sessions').column('expires_at').execute();
    await db.schema.createIndex('console_sessions_user').on('console_sessions').column('user_id').execute();
    await createSignInTokens(db);
    await createOidcLogins(db);
  },
};

async function createUsers<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','suspended','left')`))
    .addColumn('roles_json', 'text', (c) => c.notNull())
    .addColumn('rep_id', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enabled', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`totp_enabled in (0, 1)`),
    )
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('oidc_issuer', 'text')
    .addColumn('oidc_subject', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('users_oidc_identity', ['oidc_issuer', 'oidc_subject'])
    .execute();
  await db.schema.createIndex('users_created').on('users').columns(['created_at', 'id']).execute();
}

async function createRoleGrants<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('user_role_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql.raw(`role in ${PERSON_ROLES}`)))
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .execute();
  await db.schema.createIndex('user_role_grants_user').on('user_role_grants').columns(['user_id', 'granted_at']).execute();
}

async function createSignInTokens<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('sign_in_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('welcome','reset')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
}

async function createOidcLogins<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('oidc_logins')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

/** One person per pre-existing key (see above); raw SQL because the migration must not depend on today's schema types. */
async function adoptLegacyKeys<DB>(db: Kysely<DB>): Promise<void> {
  const personRole = `case role when 'integration' then 'integration-owner' else role end`;
  await sql`insert into users (id, name, email, status, roles_json, rep_id, totp_enabled, failed_sign_ins,
      created_at, created_by, updated_at, version)
    select 'usr_' || id, name, null, case when revoked_at is null then 'active' else 'left' end,
      '["' || ${sql.raw(personRole)} || '"]', rep_id, 0, 0, created_at, created_by, created_at, 1
    from api_keys`.execute(db);
  await sql`insert into user_role_grants (id, user_id, role, granted_at, granted_by)
    select 'grt_' || id, 'usr_' || id, ${sql.raw(personRole)}, created_at, created_by from api_keys`.execute(db);
  await sql`update api_keys set user_id = 'usr_' || id`.execute(db);
  await sql`update reviews set requested_by = 'usr_' || requested_by
    where status = 'OPEN' and requested_by in (select id from api_keys)`.execute(db);
  await sql`update screening_list_reloads set requested_by = 'usr_' || requested_by
    where status = 'pending' and requested_by in (select id from api_keys)`.execute(db);
}
