import type { Role } from '../../domain/access/roles.ts';
import type { UserRecord } from './users.port.ts';

// API keys (docs/operations.md): only a hash is stored; the secret is shown once at creation.

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** For role rep: which rep the key acts as. */
  readonly repId: string | null;
  /** SHA-256 hex of the secret. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
  /** The person the key belongs to (docs/access.md); it acts only while they are active and hold its role. */
  readonly userId: string;
}

export interface ApiKeyRepository {
  create(record: Omit<ApiKeyRecord, 'revokedAt'>): Promise<void>;
  findBySecretHash(secretHash: string): Promise<ApiKeyRecord | undefined>;
  /**
   * The key with this secret hash and the person it belongs to, read together (one statement: every API request
   * authenticates, issue 18). `owner` is undefined when the person no longer exists.
   */
  findWithOwner(secretHash: string): Promise<{ readonly key: ApiKeyRecord; readonly owner: UserRecord | undefined } | undefined>;
  list(): Promise<readonly ApiKeyRecord[]>;
  /** Returns false when the key does not exist or was already revoked. */
  revoke(id: string, revokedAt: string): Promise<boolean>;
}

// Console sessions (docs/console.md): shared by every instance, so the console works behind a load balancer.

export type SignInMethod = 'key' | 'password' | 'oidc' | 'link';

export interface SessionRecord {
  /** SHA-256 (hex) of the cookie value: the cookie itself is never stored. */
  readonly idHash: string;
  /** The person signed in; re-checked on every request (a suspended person's sessions end at once). */
  readonly userId: string;
  /** For a session opened with an API key: the key's SHA-256 (hex), re-resolved on every request. */
  readonly keyHash: string | null;
  readonly method: SignInMethod;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface SessionRepository {
  create(record: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  /** Returns false when there was no such session. */
  delete(idHash: string): Promise<boolean>;
  /** Deletes sessions that expired at or before `now`; returns how many. */
  deleteExpired(now: string): Promise<number>;
  /** Ends every session of a person (suspended, left, password changed); returns how many. */
  deleteForUser(userId: string): Promise<number>;
}
