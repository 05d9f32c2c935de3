import { createHash, randomBytes } from 'node:crypto';
import type { Clock, IdSource } from '../domain/shared/clock.ts';
import { toIso } from '../domain/shared/zoned-time.ts';
import type { ApiKeyRecord, Role, Store } from '../store/store-port.ts';

/** Who is calling: resolved from an API key on every request. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  readonly repId: string | null;
}

const hashSecret = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * API keys (SPEC C9): `remit_<random>`; only the SHA-256 of the token is stored, so a database
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
  await deps.store.apiKeys.create(record);
  return { record, token };
}

export async function authenticate(store: Store, token: string | undefined): Promise<Principal | null> {
  if (!token || !token.startsWith('remit_') || token.length > 200) return null;
  const record = await store.apiKeys.findBySecretHash(hashSecret(token));
  if (!record || record.revokedAt !== null) return null;
  return { keyId: record.id, name: record.name, role: record.role, repId: record.repId };
}

export const publicKeyView = (r: ApiKeyRecord) => ({ id: r.id, name: r.name, role: r.role, repId: r.repId, createdAt: r.createdAt, createdBy: r.createdBy, revokedAt: r.revokedAt });
