import type { Kysely, Selectable } from 'kysely';
import { PERSON_ROLES, type PersonRole } from '../../domain/access/roles.ts';
import type {
  OidcIdentity,
  OidcLoginRepository,
  RoleGrantRecord,
  SignInLinkRepository,
  UserRecord,
  UserRepository,
  UserStatus,
} from '../ports/users.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireText } from './input-checks.ts';
import type { Database, UsersTable } from './schema.ts';
import type { CachedReads } from './table-generations.ts';

const STATUSES: readonly UserStatus[] = ['active', 'suspended', 'left'];

function requireRoles(roles: readonly PersonRole[]): string {
  if (!Array.isArray(roles) || roles.some((r) => !PERSON_ROLES.includes(r)) || new Set(roles).size !== roles.length)
    throw new StoreInputError(`user roles must be distinct, from ${PERSON_ROLES.join(', ')}`);
  return JSON.stringify([...roles].sort());
}

/** The columns a UserRecord is made of (also read joined to an API key: access-repository.ts). */
export type UserRecordColumns = Pick<
  Selectable<UsersTable>,
  'id' | 'name' | 'email' | 'status' | 'roles_json' | 'rep_id' | 'created_at' | 'created_by' | 'updated_at' | 'version'
>;

export const toUser = (r: UserRecordColumns): UserRecord => ({
  id: r.id,
  name: r.name,
  email: r.email,
  status: r.status as UserStatus,
  roles: JSON.parse(r.roles_json) as PersonRole[],
  repId: r.rep_id,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  version: Number(r.version),
});

function requireUser(rec: Pick<UserRecord, 'id' | 'name' | 'status' | 'email'>): void {
  requireText(rec.id, 'user id');
  requireText(rec.name, 'user name');
  if (!STATUSES.includes(rec.status)) throw new StoreInputError(`unknown user status ${JSON.stringify(rec.status)}`);
  if (rec.email !== null && (typeof rec.email !== 'string' || rec.email !== rec.email.toLowerCase() || !rec.email.includes('@')))
    throw new StoreInputError('user email must be a lower-case address');
}

async function insertUser(db: Kysely<Database>, rec: Parameters<UserRepository['create']>[0], oidc?: OidcIdentity): Promise<boolean> {
  requireUser(rec);
  requireInstant(rec.createdAt, 'user createdAt');
  requireText(rec.createdBy, 'user createdBy');
  const r = await db
    .insertInto('users')
    .values({
      id: rec.id,
      name: rec.name,
      email: rec.email,
      status: rec.status,
      roles_json: requireRoles(rec.roles),
      rep_id: rec.repId,
      password_hash: null,
      totp_secret: null,
      totp_enabled: 0,
      failed_sign_ins: 0,
      locked_until: null,
      oidc_issuer: oidc?.issuer ?? null,
      oidc_subject: oidc?.subject ?? null,
      created_at: rec.createdAt,
      created_by: rec.createdBy,
      updated_at: rec.createdAt,
      version: 1,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

type UserRecordMethods = Pick<UserRepository, 'create' | 'get' | 'findByEmail' | 'findByOidc' | 'list' | 'update' | 'linkOidc'>;
type CredentialMethods = Pick<
  UserRepository,
  'credentials' | 'setPassword' | 'setTotp' | 'acceptTotpStep' | 'recordFailedSignIn' | 'clearFailedSignIns'
>;
type GrantMethods = Pick<UserRepository, 'grantRole' | 'revokeRole' | 'grants'>;

export const userRepository = (db: Kysely<Database>, cached: CachedReads): UserRepository => ({
  ...userRecords(db, cached),
  ...userCredentials(db),
  ...roleGrants(db),
});

function userRecords(db: Kysely<Database>, cached: CachedReads): UserRecordMethods {
  const byId = (id: string) => db.selectFrom('users').selectAll().where('id', '=', id);
  return {
    create(rec, oidc) {
      cached.wrote('users');
      return insertUser(db, rec, oidc);
    },
    async get(id) {
      const row = await byId(id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    async findByEmail(email) {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    async findByOidc(identity) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('oidc_issuer', '=', identity.issuer)
        .where('oidc_subject', '=', identity.subject)
        .executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    // Read whole for every notified event (notification-planner.ts): from memory while unchanged (table-generations.ts).
    list: () =>
      cached.read('users', async () =>
        Object.freeze(
          (await db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute()).map((r) => Object.freeze(toUser(r))),
        ),
      ),
    async update(id, expectedVersion, patch, at) {
      requireInstant(at, 'user updatedAt');
      const current = await byId(id).executeTakeFirst();
      if (!current) return 'not_found';
      const next = { ...toUser(current), ...patch };
      requireUser(next);
      cached.wrote('users');
      const r = await db
        .updateTable('users')
        .set({
          name: next.name,
          email: next.email,
          status: next.status,
          roles_json: requireRoles(next.roles),
          rep_id: next.repId,
          updated_at: at,
          version: expectedVersion + 1,
        })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return 'conflict';
      return { ...next, updatedAt: at, version: expectedVersion + 1 };
    },
    async linkOidc(id, identity) {
      requireText(identity.issuer, 'oidc issuer');
      requireText(identity.subject, 'oidc subject');
      await db.updateTable('users').set({ oidc_issuer: identity.issuer, oidc_subject: identity.subject }).where('id', '=', id).execute();
    },
  };
}

function userCredentials(db: Kysely<Database>): CredentialMethods {
  const byId = (id: string) => db.selectFrom('users').selectAll().where('id', '=', id);
  return {
    async credentials(id) {
      const row = await byId(id).executeTakeFirst();
      if (!row) return undefined;
      return {
        passwordHash: row.password_hash,
        totpSecret: row.totp_secret,
        totpEnabled: Number(row.totp_enabled) === 1,
        failedSignIns: Number(row.failed_sign_ins),
        lockedUntil: row.locked_until,
        totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
      };
    },
    async setPassword(id, passwordHash) {
      requireText(passwordHash, 'password hash');
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, failed_sign_ins: 0, locked_until: null })
        .where('id', '=', id)
        .execute();
    },
    async setTotp(id, secret, enabled) {
      if (enabled) requireText(secret, 'totp secret');
      await db
        .updateTable('users')
        .set({ totp_secret: secret, totp_enabled: enabled ? 1 : 0, totp_last_step: null })
        .where('id', '=', id)
        .execute();
    },
    async acceptTotpStep(id, step) {
      if (!Number.isSafeInteger(step) || step < 0) throw new StoreInputError('totp step must be a non-negative integer');
      const r = await db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async recordFailedSignIn(id, lockUntil) {
      if (lockUntil !== null) requireInstant(lockUntil, 'lockedUntil');
      await db
        .updateTable('users')
        .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1), ...(lockUntil ? { locked_until: lockUntil } : {}) }))
        .where('id', '=', id)
        .execute();
      const row = await byId(id).executeTakeFirst();
      return row ? Number(row.failed_sign_ins) : 0;
    },
    async clearFailedSignIns(id) {
      await db.updateTable('users').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', id).execute();
    },
  };
}

function roleGrants(db: Kysely<Database>): GrantMethods {
  return {
    async grantRole(g) {
      requireText(g.id, 'grant id');
      if (!PERSON_ROLES.includes(g.role)) throw new StoreInputError(`unknown role ${JSON.stringify(g.role)}`);
      requireInstant(g.grantedAt, 'grantedAt');
      requireText(g.grantedBy, 'grantedBy');
      await db
        .insertInto('user_role_grants')
        .values({
          id: g.id,
          user_id: g.userId,
          role: g.role,
          granted_at: g.grantedAt,
          granted_by: g.grantedBy,
          revoked_at: null,
          revoked_by: null,
        })
        .execute();
    },
    async revokeRole(userId, role, at, by) {
      requireInstant(at, 'revokedAt');
      await db
        .updateTable('user_role_grants')
        .set({ revoked_at: at, revoked_by: by })
        .where('user_id', '=', userId)
        .where('role', '=', role)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async grants(userId) {
      const rows = await db
        .selectFrom('user_role_grants')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('granted_at')
        .orderBy('id')
        .execute();
      return rows.map((r): RoleGrantRecord => ({
        id: r.id,
        userId: r.user_id,
        role: r.role as PersonRole,
        grantedAt: r.granted_at,
        grantedBy: r.granted_by,
        revokedAt: r.revoked_at,
        revokedBy: r.revoked_by,
      }));
    },
  };
}

export function signInLinkRepository(db: Kysely<Database>): SignInLinkRepository {
  return {
    async create(r) {
      if (!/^[0-9a-f]{64}$/.test(r.tokenHash)) throw new StoreInputError('sign-in link tokenHash must be 64 lower-case hex digits');
      requireInstant(r.createdAt, 'sign-in link createdAt');
      requireInstant(r.expiresAt, 'sign-in link expiresAt');
      await db
        .insertInto('sign_in_links')
        .values({
          token_hash: r.tokenHash,
          user_id: r.userId,
          purpose: r.purpose,
          created_at: r.createdAt,
          created_by: r.createdBy,
          expires_at: r.expiresAt,
          used_at: null,
        })
        .execute();
    },
    async consume(tokenHash, at) {
      requireInstant(at, 'used at');
      const r = await db
        .updateTable('sign_in_links')
        .set({ used_at: at })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return undefined;
      const row = await db.selectFrom('sign_in_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirstOrThrow();
      return {
        tokenHash: row.token_hash,
        userId: row.user_id,
        purpose: row.purpose as 'welcome' | 'reset',
        createdAt: row.created_at,
        createdBy: row.created_by,
        expiresAt: row.expires_at,
      };
    },
  };
}

export function oidcLoginRepository(db: Kysely<Database>): OidcLoginRepository {
  return {
    async create(r) {
      requireText(r.stateHash, 'oidc state hash');
      requireText(r.codeVerifier, 'oidc code verifier');
      requireText(r.nonce, 'oidc nonce');
      requireInstant(r.createdAt, 'oidc login createdAt');
      requireInstant(r.expiresAt, 'oidc login expiresAt');
      await db.deleteFrom('oidc_logins').where('expires_at', '<=', r.createdAt).execute();
      await db
        .insertInto('oidc_logins')
        .values({
          state_hash: r.stateHash,
          code_verifier: r.codeVerifier,
          nonce: r.nonce,
          return_to: r.returnTo,
          created_at: r.createdAt,
          expires_at: r.expiresAt,
        })
        .execute();
    },
    async take(stateHash, now) {
      requireInstant(now, 'now');
      const row = await db.selectFrom('oidc_logins').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
      if (!row) return undefined;
      const r = await db.deleteFrom('oidc_logins').where('state_hash', '=', stateHash).executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1 || row.expires_at <= now) return undefined;
      return {
        stateHash: row.state_hash,
        codeVerifier: row.code_verifier,
        nonce: row.nonce,
        returnTo: row.return_to,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
    },
  };
}
