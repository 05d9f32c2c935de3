import { sha256Hex } from '../../domain/shared/canonical-json.ts';
import { randomBytes } from 'node:crypto';
import type { Clock, IdSource } from '../../domain/shared/clock.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { mayHoldKeyRole, type Role } from '../../domain/access/roles.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import type { ApiKeyRecord } from '../../store/ports/access.port.ts';
import type { UserRecord } from '../../store/ports/users.port.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';

/** What is stored of a secret (an API key, a sign-in link token): its SHA-256, never the secret. */
export const hashSecret = (token: string): string => sha256Hex(token);

/** Idempotency keys are scoped per caller: the API key when there is one, else the person. */
export const idempotencyScope = (p: Principal): string => p.keyId ?? p.userId;

/** The principal a person's key acts as: the key's one role, and only while the person is active and still holds it. */
export function keyPrincipal(key: ApiKeyRecord, user: UserRecord | undefined): Principal | null {
  if (key.revokedAt !== null || !user || user.status !== 'active' || !mayHoldKeyRole(user.roles, key.role)) return null;
  return {
    userId: user.id,
    name: user.name,
    roles: [key.role],
    repId: key.role === 'rep' ? (key.repId ?? user.repId) : null,
    keyId: key.id,
  };
}

/**
 * API keys (docs/access.md): `remit_<random>`, each belonging to a person and acting with one role that
 * person holds; only the SHA-256 of the token is stored, so a database leak does not leak keys. The
 * token is returned once, at creation.
 */
export async function createApiKey(
  deps: { store: Store; clock: Clock; ids: IdSource },
  input: { userId: string; name: string; role: Role; repId?: string | null; createdBy: string },
  inTransaction?: UnitOfWork,
): Promise<Result<{ record: ApiKeyRecord; token: string }, AppFailure>> {
  const run = async (tx: UnitOfWork) => {
    const user = await tx.users.get(input.userId);
    if (!user) return failure('NOT_FOUND', `no person ${input.userId}`);
    if (user.status !== 'active') return failure('CONFLICT', `${user.name} is ${user.status}: a key would not work`);
    if (!mayHoldKeyRole(user.roles, input.role))
      return failure(
        'KEY_ROLE_NOT_HELD',
        `${user.name} does not hold the ${input.role === 'integration' ? 'integration-owner' : input.role} role`,
      );
    const repId = input.role === 'rep' ? (input.repId ?? user.repId) : null;
    if (input.role === 'rep' && !repId) return failure('ARGUMENT_INVALID', 'a rep key needs the person to be linked to a rep');
    const token = `remit_${randomBytes(24).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id: deps.ids.next('key'),
      name: input.name,
      role: input.role,
      repId,
      secretHash: hashSecret(token),
      createdAt: toIso(deps.clock.now()),
      createdBy: input.createdBy,
      revokedAt: null,
      userId: user.id,
    };
    await tx.apiKeys.create(record);
    await appendAudit(tx, {
      kind: 'access',
      subject: `key:${record.id}`,
      actor: input.createdBy,
      at: record.createdAt,
      payload: { action: 'api_key.created', keyId: record.id, userId: user.id, name: record.name, role: record.role, repId: record.repId },
    });
    return ok({ record, token });
  };
  return inTransaction ? run(inTransaction) : deps.store.transaction(run);
}

/** Revokes a key (docs/access.md), audited in the same transaction; false when there is no active key with this id. */
export async function revokeApiKey(deps: { store: Store; clock: Clock }, keyId: string, actor: string): Promise<boolean> {
  const at = toIso(deps.clock.now());
  return deps.store.transaction(async (tx) => {
    const revoked = await tx.apiKeys.revoke(keyId, at);
    if (revoked)
      await appendAudit(tx, { kind: 'access', subject: `key:${keyId}`, actor, at, payload: { action: 'api_key.revoked', keyId } });
    return revoked;
  });
}

export async function authenticate(store: Pick<UnitOfWork, 'apiKeys'>, token: string | undefined): Promise<Principal | null> {
  if (!token || !token.startsWith('remit_') || token.length > 200) return null;
  // The key and its person in one read: a revocation, deactivation or role change counts from the next request.
  const found = await store.apiKeys.findWithOwner(hashSecret(token));
  if (!found || found.key.revokedAt !== null) return null;
  return keyPrincipal(found.key, found.owner);
}

export const publicKeyView = (r: ApiKeyRecord) => ({
  id: r.id,
  userId: r.userId,
  name: r.name,
  role: r.role,
  repId: r.repId,
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  revokedAt: r.revokedAt,
});
