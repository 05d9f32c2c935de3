import { sha256Hex } from '../domain/shared/canonical-json.ts';
import { randomBytes } from 'node:crypto';
import { keyPrincipal } from '../app/access/api-keys.ts';
import type { Principal } from '../domain/access/principal.ts';
import { sessionRoles } from '../domain/access/roles.ts';
import type { SignInMethod } from '../store/ports/access.port.ts';
import type { Store } from '../store/unit-of-work.ts';

/**
 * Console sessions (docs/console.md, docs/access.md): a person signs in (password, single sign-on, a
 * one-time link, or an API key) and gets an HttpOnly, SameSite=Strict cookie bound to them.
 *
 * Design: sessions live in the store, so every instance behind a load balancer knows them and a
 * restart signs nobody out. The cookie value is a random 256-bit id; only its SHA-256 is stored. Every
 * request re-reads the person (a suspended person's sessions end at once) and, for a session opened
 * with an API key, the key (revoking it ends its sessions). A session acts with every role its person
 * holds, except one opened with a key, which acts with the key's role only. Expiry: absolute,
 * REMIT_SESSION_TTL_MINUTES (default 480 = 8 h); expired rows are deleted when new sessions are opened.
 */

export const SESSION_COOKIE = 'remit_session';

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

  /** Starts a session for a person (already authenticated by the caller); returns the cookie value. */
  async create(who: { userId: string; method: SignInMethod; apiKey?: string }): Promise<{ id: string; expiresAt: number }> {
    const now = this.now();
    await this.store.sessions.deleteExpired(new Date(now).toISOString());
    const id = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    await this.store.sessions.create({
      idHash: sha256Hex(id),
      userId: who.userId,
      keyHash: who.apiKey === undefined ? null : sha256Hex(who.apiKey),
      method: who.method,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
    });
    return { id, expiresAt };
  }

  /** The principal behind a session id, or null (unknown, expired, the person no longer active, or the key was revoked). */
  async resolve(id: string | undefined): Promise<Principal | null> {
    if (!id || id.length > 100) return null;
    const entry = await this.store.sessions.get(sha256Hex(id));
    if (!entry) return null;
    if (Date.parse(entry.expiresAt) <= this.now()) {
      await this.store.sessions.delete(entry.idHash);
      return null;
    }
    const principal = await this.principalOf(entry.userId, entry.keyHash);
    if (!principal) await this.store.sessions.delete(entry.idHash);
    return principal;
  }

  private async principalOf(userId: string, keyHash: string | null): Promise<Principal | null> {
    if (keyHash !== null) {
      // The key and its person in one read (keyPrincipal requires the person active and holding the key's role).
      const found = await this.store.apiKeys.findWithOwner(keyHash);
      return found && found.key.userId === userId ? keyPrincipal(found.key, found.owner) : null;
    }
    const user = await this.store.users.get(userId);
    if (!user || user.status !== 'active') return null;
    const roles = sessionRoles(user.roles);
    if (roles.length === 0) return null;
    return { userId: user.id, name: user.name, roles, repId: user.repId, keyId: null };
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id && id.length <= 100) await this.store.sessions.delete(sha256Hex(id));
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
