import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticate } from '../../app/access/api-keys.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { Role } from '../../domain/access/roles.ts';
import { sendError } from '../reply-error.ts';
import { cookieValue, SESSION_COOKIE, sessionCookie } from '../session-store.ts';

/** Roles that may use the web console; integration keys only ingest (docs/operations.md). */
const CONSOLE_ROLES = ['admin', 'ops', 'compliance', 'rep'] as const;

const secure = (request: FastifyRequest) => request.protocol === 'https';

/** The most privileged acting role first: what the console's older single-role views key on. */
const PRIMARY_ORDER: readonly Role[] = ['admin', 'compliance', 'ops', 'rep', 'integration'];

/** Who is signed in, as the console sees it: the person, their acting roles, their rep, the key (if any). */
export const principalView = (p: Principal) => ({
  userId: p.userId,
  name: p.name,
  roles: p.roles,
  role: PRIMARY_ORDER.find((r) => p.roles.includes(r)) ?? p.roles[0],
  repId: p.repId,
  keyId: p.keyId,
});

/**
 * Console sign-in (docs/console.md): an API key is exchanged once for an HttpOnly, SameSite=Strict session
 * cookie bound to the key's role and rep (see session-store.ts for the design). The key never
 * reaches browser storage; every API route then accepts the cookie instead of a Bearer key.
 */
export function registerSessionRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/session',
    {
      config: { invalidCode: 'ARGUMENT_INVALID' },
      schema: {
        tags: ['session'],
        summary:
          'Console sign-in: exchange an API key for a session cookie (HttpOnly, SameSite=Strict) bound to its role; integration keys ' +
          'cannot sign in',
        security: [],
        body: z.strictObject({ apiKey: z.string().min(1).max(200) }),
      },
    },
    async (request, reply) => {
      const principal = await authenticate(ctx.store, request.body.apiKey.trim());
      if (!principal) return sendError(reply, 'UNAUTHENTICATED', 'that API key is unknown or revoked');
      if (!principal.roles.some((r) => (CONSOLE_ROLES as readonly string[]).includes(r)))
        return sendError(reply, 'FORBIDDEN', `role ${principal.roles.join(', ')} may not sign in to the console`);
      await app.sessions.destroy(cookieValue(request.headers.cookie, SESSION_COOKIE));
      const session = await app.sessions.create({ userId: principal.userId, method: 'key', apiKey: request.body.apiKey.trim() });
      reply.header('set-cookie', sessionCookie(session.id, Math.floor(app.sessions.ttlMs / 1000), secure(request)));
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...principalView(principal), expiresAt: new Date(session.expiresAt).toISOString() });
    },
  );
  r.get(
    '/v1/session',
    {
      config: { roles: CONSOLE_ROLES },
      schema: { tags: ['session'], summary: 'Who am I: the role, rep and key behind this session cookie or API key' },
    },
    (request, reply) => {
      reply.header('cache-control', 'no-store');
      return principalView(principalOf(request));
    },
  );
  r.delete(
    '/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign out: ends the session and clears the cookie (answers 200 even without a session)',
        security: [],
      },
    },
    async (request, reply) => {
      await app.sessions.destroy(cookieValue(request.headers.cookie, SESSION_COOKIE));
      reply.header('set-cookie', sessionCookie('', 0, secure(request)));
      return { signedOut: true };
    },
  );
}
