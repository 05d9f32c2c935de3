import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../app/api-keys.ts';
import type { Store } from '../store/store-port.ts';

/**
 * Console sessions (issue 7): `POST /v1/session { apiKey }` exchanges a valid API key for an
 * HttpOnly, SameSite=Strict cookie bound to that key (and so to its role and rep).
 *
 * Design: sessions live in this process's memory, keyed by a random 256-bit id (the cookie value).
 * The API key itself is never kept — only its SHA-256, the same hash the store holds — and every
 * request re-resolves the key through the store, so revoking the key ends its sessions at once.
 * Expiry: absolute, REMIT_SESSION_TTL_MINUTES (default 480 = 8 h). Restarting the server signs
 * everyone out; with several instances behind a load balancer, use sticky sessions or Bearer keys.
 */

export const SESSION_COOKIE = 'remit_session';

interface SessionEntry {
  readonly secretHash: string;
  readonly expiresAt: number;
}

const MAX_SESSIONS = 10_000;

export class SessionStore {
  private readonly sessions = new Map<string, SessionEntry>();
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: { ttlMs?: number; now?: () => number } = {}) {
    const fromEnv = Number(process.env.REMIT_SESSION_TTL_MINUTES);
    this.ttlMs = opts.ttlMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv * 60_000 : 8 * 3_600_000);
    this.now = opts.now ?? Date.now;
  }

  /** Starts a session for a key (already authenticated by the caller); returns the cookie value. */
  create(apiKey: string): { id: string; expiresAt: number } {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      // Oldest first (Map keeps insertion order): a flood of sign-ins cannot grow memory without bound.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.sessions.set(id, { secretHash: createHash('sha256').update(apiKey).digest('hex'), expiresAt });
    return { id, expiresAt };
  }

  /** The principal behind a session id, or null (unknown, expired, or the key was revoked). */
  async resolve(store: Store, id: string | undefined): Promise<Principal | null> {
    if (!id || id.length > 100) return null;
    const entry = this.sessions.get(id);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    const record = await store.apiKeys.findBySecretHash(entry.secretHash);
    if (!record || record.revokedAt !== null) {
      this.sessions.delete(id);
      return null;
    }
    return { keyId: record.id, name: record.name, role: record.role, repId: record.repId };
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
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
