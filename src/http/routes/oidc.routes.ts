import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { finishOidcSignIn, oidcPolicyOf, startOidcSignIn } from '../../app/access/oidc-sign-in.use-case.ts';
import { OidcProviderClients } from '../../app/access/oidc-provider-client.ts';
import type { AppFailure } from '../../app/shared/app-error.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { sendFailure } from '../reply-error.ts';
import { cookieValue, SESSION_COOKIE, sessionCookie } from '../session-store.ts';

/**
 * The browser binding of a login in flight: the state, in a cookie only the callback path sees. SameSite=Lax,
 * not Strict: the provider's redirect back is a cross-site top-level navigation, which Strict would strip.
 */
const STATE_COOKIE = 'remit_oidc_state';
const STATE_COOKIE_PATH = '/v1/auth/oidc';

const secure = (request: FastifyRequest) => request.protocol === 'https';
const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

function stateCookie(value: string, maxAgeSeconds: number, https: boolean): string {
  return `${STATE_COOKIE}=${value}; Path=${STATE_COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${https ? '; Secure' : ''}`;
}

/** A browser navigating (it asks for a page) is sent to the console's sign-in page; a script or API client gets the error body. */
const wantsPage = (request: FastifyRequest): boolean => (request.headers.accept ?? '').includes('text/html');

/** The console's sign-in page shows what went wrong (docs/console.md); the code only, never the provider's words. */
function answerFailure(request: FastifyRequest, reply: FastifyReply, failure: AppFailure): FastifyReply {
  reply.header('cache-control', 'no-store');
  if (!wantsPage(request)) return sendFailure(reply, failure);
  return reply.redirect(`/?sso_error=${encodeURIComponent(failure.code)}`, 302);
}

/** Single sign-on (docs/access.md "Single sign-on"): the provider list for the console, the login redirect and the callback. */
export function registerOidcRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = { ...ctx, providers: new OidcProviderClients() };
  r.get(
    '/v1/auth/providers',
    {
      schema: {
        tags: ['session'],
        summary: 'How people may sign in to the console: single sign-on (if configured) and passwords',
        security: [],
      },
    },
    (_request, reply) => {
      const policy = oidcPolicyOf(ctx);
      reply.header('cache-control', 'no-store');
      return {
        sso: policy ? { enabled: true, label: policy.label ?? 'single sign-on', loginUrl: '/v1/auth/oidc/login' } : { enabled: false },
        // The org policy has no switch for passwords: a person with a password set may always use it.
        passwords: { enabled: true },
      };
    },
  );
  r.get(
    '/v1/auth/oidc/login',
    {
      schema: {
        tags: ['session'],
        summary: 'Single sign-on: redirects (302) to the identity provider; returnTo is the console path to come back to',
        security: [],
        querystring: z.object({ returnTo: z.string().max(2000).optional() }),
      },
    },
    async (request, reply) => {
      const started = await startOidcSignIn(deps, { returnTo: request.query.returnTo, origin: originOf(request) });
      if (!started.ok) return answerFailure(request, reply, started.error);
      reply.header('set-cookie', stateCookie(started.value.state, 600, secure(request)));
      reply.header('cache-control', 'no-store');
      return reply.redirect(started.value.url, 302);
    },
  );
  r.get(
    '/v1/auth/oidc/callback',
    {
      schema: {
        tags: ['session'],
        summary: 'Single sign-on: the identity provider sends the browser back here; opens a console session and redirects (302)',
        security: [],
      },
    },
    async (request, reply) => {
      const browserState = cookieValue(request.headers.cookie, STATE_COOKIE);
      reply.header('set-cookie', stateCookie('', 0, secure(request)));
      const finished = await finishOidcSignIn(deps, {
        callbackUrl: new URL(request.url, 'http://remit.invalid'),
        origin: originOf(request),
        browserState,
      });
      if (!finished.ok) return answerFailure(request, reply, finished.error);
      await app.sessions.destroy(cookieValue(request.headers.cookie, SESSION_COOKIE));
      const session = await app.sessions.create({ userId: finished.value.user.id, method: 'oidc' });
      reply.header('set-cookie', [
        stateCookie('', 0, secure(request)),
        sessionCookie(session.id, Math.floor(app.sessions.ttlMs / 1000), secure(request)),
      ]);
      reply.header('cache-control', 'no-store');
      return reply.redirect(finished.value.returnTo, 302);
    },
  );
}
