import type { Kysely, Selectable } from 'kysely';
import { ROLES, type Role } from '../../domain/access/roles.ts';
import type { ApiKeyRecord, ApiKeyRepository, SessionRepository, SignInMethod } from '../ports/access.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireText } from './input-checks.ts';
import type { ApiKeysTable, Database } from './schema.ts';
import type { CachedReads } from './table-generations.ts';
import { toUser } from './user-repository.ts';

// API keys.

const toApiKey = (r: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  repId: r.rep_id,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  createdBy: r.created_by,
  revokedAt: r.revoked_at,
  // 0009-people back-fills every older key, and create() requires one.
  userId: r.user_id ?? '',
});

export function apiKeyRepository(db: Kysely<Database>, cached: CachedReads): ApiKeyRepository {
  return {
    async create(rec) {
      requireText(rec.id, 'api key id');
      requireText(rec.name, 'api key name');
      if (!ROLES.includes(rec.role)) throw new StoreInputError(`unknown role ${JSON.stringify(rec.role)}`);
      if (rec.role === 'rep') requireText(rec.repId, 'api key repId (role rep)');
      else if (rec.repId !== null) requireText(rec.repId, 'api key repId');
      if (!/^[0-9a-f]{64}$/.test(rec.secretHash))
        throw new StoreInputError('api key secretHash must be SHA-256 as 64 lower-case hex digits');
      requireInstant(rec.createdAt, 'api key createdAt');
      requireText(rec.createdBy, 'api key createdBy');
      requireText(rec.userId, 'api key userId');
      cached.wrote('api_keys');
      await db
        .insertInto('api_keys')
        .values({
          id: rec.id,
          name: rec.name,
          role: rec.role,
          rep_id: rec.repId,
          secret_hash: rec.secretHash,
          created_at: rec.createdAt,
          created_by: rec.createdBy,
          revoked_at: null,
          user_id: rec.userId,
        })
        .execute();
    },
    async findBySecretHash(secretHash) {
      const row = await db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row ? toApiKey(row) : undefined;
    },
    // Every API request: from memory while neither api_keys nor users changed (table-generations.ts, migration 0037).
    findWithOwner: (secretHash) =>
      cached.readKeyed('api_key_owners', ['api_keys', 'users'], secretHash, () => findWithOwner(db, secretHash)),
    async list() {
      const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toApiKey);
    },
    async revoke(id, revokedAt) {
      requireInstant(revokedAt, 'revokedAt');
      cached.wrote('api_keys');
      const r = await db
        .updateTable('api_keys')
        .set({ revoked_at: revokedAt })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

/** The key and its person with one joined SELECT (every API request authenticates). */
async function findWithOwner(db: Kysely<Database>, secretHash: string): ReturnType<ApiKeyRepository['findWithOwner']> {
  const row = await db
    .selectFrom('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.user_id')
    .selectAll('api_keys')
    .select([
      'users.id as owner_id',
      'users.name as owner_name',
      'users.email as owner_email',
      'users.status as owner_status',
      'users.roles_json as owner_roles_json',
      'users.rep_id as owner_rep_id',
      'users.created_at as owner_created_at',
      'users.created_by as owner_created_by',
      'users.updated_at as owner_updated_at',
      'users.version as owner_version',
    ])
    .where('api_keys.secret_hash', '=', secretHash)
    .executeTakeFirst();
  if (!row) return undefined;
  // Shared with later requests (kept in memory): frozen.
  const owner =
    row.owner_id === null
      ? undefined
      : frozenUser({
          id: row.owner_id,
          name: row.owner_name!,
          email: row.owner_email ?? null,
          status: row.owner_status!,
          roles_json: row.owner_roles_json!,
          rep_id: row.owner_rep_id ?? null,
          created_at: row.owner_created_at!,
          created_by: row.owner_created_by!,
          updated_at: row.owner_updated_at!,
          version: row.owner_version!,
        });
  return Object.freeze({ key: Object.freeze(toApiKey(row)), owner });
}

function frozenUser(columns: Parameters<typeof toUser>[0]) {
  const user = toUser(columns);
  Object.freeze(user.roles);
  return Object.freeze(user);
}

const HEX64 = /^[0-9a-f]{64}$/;
const SIGN_IN_METHODS: readonly SignInMethod[] = ['key', 'password', 'oidc', 'link'];

export function sessionRepository(db: Kysely<Database>): SessionRepository {
  return {
    async create(r) {
      if (!HEX64.test(r.idHash) || (r.keyHash !== null && !HEX64.test(r.keyHash)))
        throw new StoreInputError('session hashes must be 64 lower-case hex characters');
      requireText(r.userId, 'session userId');
      if (!SIGN_IN_METHODS.includes(r.method)) throw new StoreInputError(`unknown sign-in method ${JSON.stringify(r.method)}`);
      requireInstant(r.createdAt, 'session createdAt');
      requireInstant(r.expiresAt, 'session expiresAt');
      await db
        .insertInto('console_sessions')
        .values({
          id_hash: r.idHash,
          user_id: r.userId,
          key_hash: r.keyHash,
          method: r.method,
          created_at: r.createdAt,
          expires_at: r.expiresAt,
        })
        .execute();
    },
    async get(idHash) {
      const row = await db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return row
        ? {
            idHash: row.id_hash,
            userId: row.user_id,
            keyHash: row.key_hash,
            method: row.method as SignInMethod,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
          }
        : undefined;
    },
    async delete(idHash) {
      const r = await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteExpired(now) {
      requireInstant(now, 'now');
      const r = await db.deleteFrom('console_sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async deleteForUser(userId) {
      const r = await db.deleteFrom('console_sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
