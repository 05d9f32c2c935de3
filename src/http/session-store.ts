import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../app/access/api-keys.ts';
import type { Store } from '../store/unit-of-work.ts';

/**
 * Console sessions (docs/console.md): `POST /v1/session { apiKey }` exchanges a valid API key for an
 * HttpOnly, SameSite=Strict cookie bound to that key (and so to its role and rep).
 *
 * Design: sessions live in the store, so every instance behind a load balancer knows them and a
 * restart signs nobody out. The cookie value is a random 256-bit id; only its SHA-256 is stored, and
 * of the API key only its SHA-256 (the hash the key table holds). Every request re-resolves the key,
 * so revoking the key ends its sessions at once. Expiry: absolute, REMIT_SESSION_TTL_MINUTES
 * (default 480 = 8 h); expired rows are deleted when new sessions are opened.
 */

export const SESSION_COOKIE = 'remit_session';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class SessionStore {
  readonly ttlMs: number;
  private readonly store: Store;
  private readonly now: () => number;

  constructor(opts: { store: Store; ttlMs?: number; now?: () => number }) {
    this.store = opts.store;
    // REMIT_SESSION_TTL_MINUTES (runtime-config.ts) arrives here through buildServer; 8 hours by default.
    this.ttlMs = opts.ttlMs ?? 8 * 3_600_000;
    this.now = opts.now ?? Date.now;
  }

  /** Starts a session for a key (already authenticated by the caller); returns the cookie value. */
  async create(apiKey: string): Promise<{ id: string; expiresAt: number }> {
    const now = this.now();
    await this.store.sessions.deleteExpired(new Date(now).toISOString());
    const id = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    await this.store.sessions.create({
      idHash: sha256(id),
      secretHash: sha256(apiKey),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
    });
    return { id, expiresAt };
  }

  /** The principal behind a session id, or null (unknown, expired, or the key was revoked). */
  async resolve(id: string | undefined): Promise<Principal | null> {
    if (!id || id.length > 100) return null;
    const entry = await this.store.sessions.get(sha256(id));
    if (!entry) return null;
    if (Date.parse(entry.expiresAt) <= this.now()) {
      await this.store.sessions.delete(entry.idHash);
      return null;
    }
    const record = await this.store.apiKeys.findBySecretHash(entry.secretHash);
    if (!record || record.revokedAt !== null) {
      await this.store.sessions.delete(entry.idHash);
      return null;
    }
    return { keyId: record.id, name: record.name, role: record.role, repId: record.repId };
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id && id.length <= 100) await this.store.sessions.delete(sha256(id));
  }
}

/** The value of one cookie from a Cookie header (no dependency on a cookie plugin). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
