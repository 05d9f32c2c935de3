import { createHash, randomBytes } from 'node:crypto';
import type { Clock, IdSource } from '../../domain/shared/clock.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { Role } from '../../domain/access/roles.ts';
import type { ApiKeyRecord } from '../../store/ports/access.port.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';

/** Who is calling: resolved from an API key on every request. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  readonly repId: string | null;
}

const hashSecret = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * API keys (docs/operations.md): `remit_<random>`; only the SHA-256 of the token is stored, so a database
 * leak does not leak keys. The token is returned once, at creation.
 */
export async function createApiKey(
  deps: { store: Store; clock: Clock; ids: IdSource },
  input: { name: string; role: Role; repId?: string | null; createdBy: string },
): Promise<{ record: ApiKeyRecord; token: string }> {
  const token = `remit_${randomBytes(24).toString('base64url')}`;
  const record: ApiKeyRecord = {
    id: deps.ids.next('key'),
    name: input.name,
    role: input.role,
    repId: input.repId ?? null,
    secretHash: hashSecret(token),
    createdAt: toIso(deps.clock.now()),
    createdBy: input.createdBy,
    revokedAt: null,
  };
  await deps.store.transaction(async (tx) => {
    await tx.apiKeys.create(record);
    await appendAudit(tx, {
      kind: 'access',
      subject: `key:${record.id}`,
      actor: input.createdBy,
      at: record.createdAt,
      payload: { action: 'api_key.created', keyId: record.id, name: record.name, role: record.role, repId: record.repId },
    });
  });
  return { record, token };
}

/** Revokes a key (docs/operations.md), audited in the same transaction; false when there is no active key with this id. */
export async function revokeApiKey(deps: { store: Store; clock: Clock }, keyId: string, actor: string): Promise<boolean> {
  const at = toIso(deps.clock.now());
  return deps.store.transaction(async (tx) => {
    const revoked = await tx.apiKeys.revoke(keyId, at);
    if (revoked)
      await appendAudit(tx, { kind: 'access', subject: `key:${keyId}`, actor, at, payload: { action: 'api_key.revoked', keyId } });
    return revoked;
  });
}

export async function authenticate(store: Store, token: string | undefined): Promise<Principal | null> {
  if (!token || !token.startsWith('remit_') || token.length > 200) return null;
  const record = await store.apiKeys.findBySecretHash(hashSecret(token));
  if (!record || record.revokedAt !== null) return null;
  return { keyId: record.id, name: record.name, role: record.role, repId: record.repId };
}

export const publicKeyView = (r: ApiKeyRecord) => ({
  id: r.id,
  name: r.name,
  role: r.role,
  repId: r.repId,
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  revokedAt: r.revokedAt,
});
