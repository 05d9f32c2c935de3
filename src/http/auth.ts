import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../app/api-keys.ts';
import type { Role, Store } from '../store/store-port.ts';
import { sendError } from './reply-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed on this route; absent = public. */
    roles?: readonly Role[];
  }
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  const key = request.headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

/** Least privilege per endpoint (SPEC C9): every route names the roles it admits. */
export function authHook(store: Store) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const principal = await authenticate(store, tokenOf(request));
    if (!principal) return sendError(reply, 'UNAUTHENTICATED');
    if (!roles.includes(principal.role)) return sendError(reply, 'FORBIDDEN', `role ${principal.role} may not ${request.method} ${request.routeOptions.url}`);
    request.principal = principal;
  };
}

/** Handlers behind authHook always have a principal. */
export const principalOf = (request: FastifyRequest): Principal => {
  if (!request.principal) throw new Error('route without roles asked for a principal');
  return request.principal;
};
