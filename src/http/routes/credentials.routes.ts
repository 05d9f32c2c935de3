import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changePassword } from '../../app/access/password-change.use-case.ts';
import { createSignInLink } from '../../app/access/sign-in-links.use-case.ts';
import { confirmTotp, disableTotp, startTotpEnrolment } from '../../app/access/totp-enrolment.use-case.ts';
import { unlockPerson } from '../../app/access/unlock-person.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';
import { cookieValue, SESSION_COOKIE } from '../session-store.ts';
import { openSessionCookie } from './session.routes.ts';

const ME = ['admin', 'ops', 'compliance', 'rep'] as const;
const IdParams = z.object({ id: z.string().min(1).max(128) });
const Code = z.strictObject({ code: z.string().trim().min(1).max(16).describe('The current code from the authenticator app.') });

/** Where the console is: the origin this request reached (behind a proxy, with --trust-proxy, the public one). */
const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/**
 * Local credentials (docs/access.md "Local passwords, TOTP and sign-in links"): admins unlock people and
 * hand out one-time sign-in links; anyone signed in changes their own password and TOTP.
 */
export function registerCredentialRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/users/:id/unlock',
    {
      config: { roles: ['admin'] },
      schema: { tags: ['users'], summary: 'Lift a sign-in lockout now (the failure count restarts); audited', params: IdParams },
    },
    async (request, reply) => {
      const unlocked = await unlockPerson(ctx, principalOf(request), request.params.id);
      return unlocked.ok ? unlocked.value : sendFailure(reply, unlocked.error);
    },
  );
  r.post(
    '/v1/users/:id/sign-in-link',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['users'],
        summary: 'A one-time sign-in link (welcome: 72 h; reset: 1 h) with which the person sets their password; shown once',
        params: IdParams,
        body: z
          .strictObject({
            purpose: z.enum(['welcome', 'reset']).optional().describe('Default: welcome without a password, reset with one.'),
          })
          .nullish(),
      },
    },
    async (request, reply) => {
      const opts = { purpose: request.body?.purpose, baseUrl: originOf(request) };
      const link = await createSignInLink(ctx, principalOf(request).userId, request.params.id, opts);
      if (!link.ok) return sendFailure(reply, link.error);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(link.value);
    },
  );
  registerOwnCredentialRoutes(app, ctx);
}

function registerOwnCredentialRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.put(
    '/v1/me/password',
    {
      config: { roles: ME },
      schema: {
        tags: ['me'],
        summary: 'Change your password (ends your other sessions; this one continues with a new cookie)',
        body: z.strictObject({ current: z.string().min(1).max(1024), new: z.string().min(1).max(1024) }),
      },
    },
    async (request, reply) => {
      const who = principalOf(request);
      const changed = await changePassword(ctx, who, { current: request.body.current, next: request.body.new });
      if (!changed.ok) return sendFailure(reply, changed.error);
      // Every session ended, this one too: a cookie caller keeps working with a fresh one.
      if (who.keyId === null && cookieValue(request.headers.cookie, SESSION_COOKIE) !== undefined)
        await openSessionCookie(app, request, reply, { userId: who.userId, method: 'password' });
      return { changed: true, endedSessions: changed.value.endedSessions };
    },
  );
  r.post(
    '/v1/me/totp',
    {
      config: { roles: ME },
      schema: {
        tags: ['me'],
        summary: 'Start TOTP enrolment: a new secret and its otpauth:// URI (not in force until confirmed)',
        body: z.strictObject({}).nullish(),
      },
    },
    async (request, reply) => {
      const started = await startTotpEnrolment(ctx, principalOf(request));
      if (!started.ok) return sendFailure(reply, started.error);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(started.value);
    },
  );
  r.post(
    '/v1/me/totp/confirm',
    {
      config: { roles: ME },
      schema: { tags: ['me'], summary: 'Confirm TOTP enrolment with a code: sign-in needs a code from now on', body: Code },
    },
    async (request, reply) => {
      const confirmed = await confirmTotp(ctx, principalOf(request), request.body.code);
      return confirmed.ok ? confirmed.value : sendFailure(reply, confirmed.error);
    },
  );
  r.delete(
    '/v1/me/totp',
    {
      config: { roles: ME },
      schema: { tags: ['me'], summary: 'Turn your TOTP off with a current code (refused when your roles require it)', body: Code },
    },
    async (request, reply) => {
      const disabled = await disableTotp(ctx, principalOf(request), request.body.code);
      return disabled.ok ? disabled.value : sendFailure(reply, disabled.error);
    },
  );
}
