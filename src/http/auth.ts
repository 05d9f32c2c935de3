import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../app/access/api-keys.ts';
import type { Principal } from '../domain/access/principal.ts';
import type { Role } from '../domain/access/roles.ts';
import type { RequestReads, Store } from '../store/unit-of-work.ts';
import { sendError } from './reply-error.ts';
import { secretEquals } from '../app/sources/secret-equals.ts';
import { cookieValue, SESSION_COOKIE, type SessionStore } from './session-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** This request's reads of the store's cached tables (one counters read for the org sync and the API key). */
    storeReads: RequestReads | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed on this route; absent = public. */
    roles?: readonly Role[];
    /** A static bearer secret also accepted on this route (REMIT_METRICS_TOKEN for GET /metrics); no principal. */
    serviceToken?: string | undefined;
  }
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  // RFC 7235: the auth scheme is case-insensitive ("bearer", "BEARER").
  const bearer = typeof header === 'string' ? /^bearer +(.*)$/i.exec(header) : null;
  if (bearer) return bearer[1]!.trim();
  const key = request.headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

/** The request's view for the reads that start it (store.requestReads()), made at its first use. */
export function requestReadsOf(request: FastifyRequest, store: Store): RequestReads {
  request.storeReads ??= store.requestReads();
  return request.storeReads;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A cookie-authenticated write must come from this origin (defence in depth on top of SameSite=Strict). */
function crossOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '') return false;
  try {
    const host = new URL(origin).host;
    // Behind a reverse proxy the Host header may be rewritten; the proxy's X-Forwarded-Host then names the public host.
    return host !== request.headers.host && host !== request.headers['x-forwarded-host'];
  } catch {
    return true;
  }
}

/**
 * Least privilege per endpoint (docs/operations.md): every route names the roles it admits. The caller is an
 * API key (Authorization: Bearer / X-Api-Key) or, when no key is sent, a console session cookie.
 */
export function authHook(store: Store, sessions?: SessionStore) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const token = tokenOf(request);
    const serviceToken = request.routeOptions.config.serviceToken;
    if (serviceToken !== undefined && token !== undefined && secretEquals(token, serviceToken)) return;
    let principal: Principal | null;
    if (token !== undefined || !sessions) {
      principal = await authenticate(requestReadsOf(request, store), token);
    } else {
      principal = await sessions.resolve(cookieValue(request.headers.cookie, SESSION_COOKIE));
      if (principal && !SAFE_METHODS.has(request.method) && crossOrigin(request))
        return sendError(reply, 'FORBIDDEN', 'cross-origin request with a session cookie');
    }
    if (!principal) return sendError(reply, 'UNAUTHENTICATED');
    if (!principal.roles.some((r) => roles.includes(r)))
      return sendError(reply, 'FORBIDDEN', `role ${principal.roles.join(', ')} may not ${request.method} ${request.routeOptions.url}`);
    request.principal = principal;
  };
}

/** Handlers behind authHook always have a principal. */
export const principalOf = (request: FastifyRequest): Principal => {
  if (!request.principal) throw new Error('route without roles asked for a principal');
  return request.principal;
};
