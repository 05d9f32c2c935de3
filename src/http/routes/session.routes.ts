import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticate } from '../../app/access/api-keys.ts';
import { signInWithPassword } from '../../app/access/password-sign-in.use-case.ts';
import { useSignInLink } from '../../app/access/sign-in-links.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { sessionRoles, type Role } from '../../domain/access/roles.ts';
import type { SignInMethod } from '../../store/ports/access.port.ts';
import type { UserRecord } from '../../store/ports/users.port.ts';
import { sendError, sendFailure } from '../reply-error.ts';
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

const Password = z.string().min(1).max(1024);

const SignInBody = z
  .strictObject({
    apiKey: z.string().min(1).max(200).optional().describe('An API key (remit_…): the session acts with its one role.'),
    email: z.string().trim().min(1).max(320).optional().describe('With password: local sign-in (docs/access.md).'),
    password: Password.optional(),
    totp: z.string().trim().min(1).max(16).optional().describe('The one-time code, when the person has TOTP or their roles require it.'),
  })
  .superRefine((b, ctx) => {
    const byKey = b.apiKey !== undefined;
    const byPassword = b.email !== undefined || b.password !== undefined;
    if (byKey && byPassword)
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'send either apiKey or email and password, not both' });
    else if (!byKey && !byPassword) ctx.addIssue({ code: 'custom', path: ['email'], message: 'send email and password (or apiKey)' });
    else if (byPassword) {
      if (b.email === undefined) ctx.addIssue({ code: 'custom', path: ['email'], message: 'required with password' });
      if (b.password === undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: 'required with email' });
    } else if (b.totp !== undefined) ctx.addIssue({ code: 'custom', path: ['totp'], message: 'only with email and password' });
  });

/** Replaces the request's session (if any) with a new one for `userId` and sets its cookie; returns when it expires. */
export async function openSessionCookie(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  who: { userId: string; method: SignInMethod; apiKey?: string },
): Promise<string> {
  await app.sessions.destroy(cookieValue(request.headers.cookie, SESSION_COOKIE));
  const session = await app.sessions.create(who);
  reply.header('set-cookie', sessionCookie(session.id, Math.floor(app.sessions.ttlMs / 1000), secure(request)));
  reply.header('cache-control', 'no-store');
  return new Date(session.expiresAt).toISOString();
}

/** Opens the session cookie for a signed-in principal and answers 201 with who they are. */
async function startSession(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  how: { method: SignInMethod; apiKey?: string },
) {
  const expiresAt = await openSessionCookie(app, request, reply, { userId: principal.userId, ...how });
  return reply.code(201).send({ ...principalView(principal), method: how.method, expiresAt });
}

/** The principal of a person's own session (every console role they hold), for a sign-in that is not by key. */
const personPrincipal = (user: UserRecord): Principal => ({
  userId: user.id,
  name: user.name,
  roles: sessionRoles(user.roles),
  repId: user.repId,
  keyId: null,
});

/**
 * Console sign-in (docs/console.md, docs/access.md): e-mail and password (and a TOTP code when needed),
 * or an API key, exchanged once for an HttpOnly, SameSite=Strict session cookie (see session-store.ts for
 * the design). The key or password never reaches browser storage; every API route then accepts the cookie.
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
          'Console sign-in: e-mail + password (+ totp) or an API key, exchanged for a session cookie (HttpOnly, SameSite=Strict); ' +
          'integration keys cannot sign in',
        security: [],
        body: SignInBody,
      },
    },
    async (request, reply) => {
      const { apiKey, email, password, totp } = request.body;
      if (apiKey === undefined) {
        const signedIn = await signInWithPassword(ctx, { email: email!, password: password!, totp });
        if (!signedIn.ok) return sendFailure(reply, signedIn.error);
        return startSession(app, request, reply, personPrincipal(signedIn.value), { method: 'password' });
      }
      const principal = await authenticate(ctx.store, apiKey.trim());
      if (!principal) return sendError(reply, 'UNAUTHENTICATED', 'that API key is unknown or revoked');
      if (!principal.roles.some((r) => (CONSOLE_ROLES as readonly string[]).includes(r)))
        return sendError(reply, 'FORBIDDEN', `role ${principal.roles.join(', ')} may not sign in to the console`);
      return startSession(app, request, reply, principal, { method: 'key', apiKey: apiKey.trim() });
    },
  );
  r.post(
    '/v1/session/link',
    {
      config: { invalidCode: 'ARGUMENT_INVALID' },
      schema: {
        tags: ['session'],
        summary:
          'Use a one-time sign-in link: set your password and sign in (410 SIGN_IN_LINK_INVALID when used or expired; TOTP_REQUIRED or ' +
          'TOTP_NOT_ENROLLED with passwordSet: true when a code is needed next)',
        security: [],
        body: z.strictObject({ token: z.string().min(16).max(128), password: Password }),
      },
    },
    async (request, reply) => {
      const used = await useSignInLink(ctx, request.body);
      if (!used.ok) return sendFailure(reply, used.error);
      return startSession(app, request, reply, personPrincipal(used.value), { method: 'link' });
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
