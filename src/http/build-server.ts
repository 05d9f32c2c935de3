import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../app/service-context.ts';
import type { ErrorCode } from '../domain/errors/error-catalogue.ts';
import { StoreUnavailableError } from '../store/store-errors.ts';
import { authHook } from './auth.ts';
import { sendError } from './reply-error.ts';
import { withErrorResponses } from './error-schema.ts';
import { registerHealthRoutes } from './routes/health.routes.ts';
import { registerKeyRoutes } from './routes/keys.routes.ts';
import { registerOrgRoutes } from './routes/org.routes.ts';
import { SessionStore } from './session-store.ts';

export interface ServerOptions {
  readonly ctx: ServiceContext;
  /** pino options or false. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Default request body limit, bytes (batch and config uploads set their own). */
  readonly bodyLimit?: number;
  /** Extra route modules (ingestion, review, webhooks …) registered after the core. */
  readonly routes?: readonly ((app: FastifyInstance, ctx: ServiceContext) => void | Promise<void>)[];
  /** The built web console (issue 7) served at `/`; default web/dist when it exists; null = none. */
  readonly webRoot?: string | null;
  /** Console sessions (cookie sign-in); default: kept in the service's store. */
  readonly sessions?: SessionStore;
}

/** Where `npm run build` puts the console. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Headers for the console's HTML and assets: no framing, no sniffing, scripts only from this origin. */
const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Error code for a request that fails schema validation (default ARGUMENT_INVALID). */
    invalidCode?: ErrorCode;
  }
  interface FastifyInstance {
    /** Console sessions (cookie sign-in, POST /v1/session). */
    sessions: SessionStore;
  }
}

const path = (segments: readonly PropertyKey[]) => segments.map(String).join('.');

/** W1: a removed, replaced or damaged store refuses the write: 503 with the reason code, logged once per request. */
function storeUnavailable(reply: FastifyReply, request: FastifyRequest, error: StoreUnavailableError): FastifyReply {
  request.log.error({ err: error, reason: error.reason }, 'store unavailable');
  return sendError(reply, 'STORE_UNAVAILABLE', error.message, [{ path: 'storage.reason', message: error.reason }]);
}

/**
 * The HTTP adapter: thin. Validation, OpenAPI and docs come from the zod schemas; every error uses
 * the catalogue's shape; every route declares the roles it admits.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    requestIdHeader: 'x-request-id',
    // The default is an incrementing counter per process; several instances need unique ids.
    genReqId: () => opts.ctx.ids.next('req'),
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  // JSON only (form posts get their own parser where a route accepts them): anything else is 415.
  app.removeContentTypeParser(['text/plain']);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Remit API', version: '1', description: 'Compliance-aware lead routing. Errors follow the catalogue in docs/errors.md.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key: Authorization: Bearer remit_…' } } },
      security: [{ apiKey: [] }],
    },
    transform: (input) => withErrorResponses(jsonSchemaTransform(input) as { schema: Record<string, unknown>; url: string }),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const sessions = opts.sessions ?? new SessionStore({ store: opts.ctx.store, now: opts.ctx.clock.now });
  app.decorate('sessions', sessions);
  // Every instance routes with the org version in force in the store (published through any of them).
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/v1/')) await opts.ctx.orgs.sync();
  });
  app.addHook('onRequest', authHook(opts.ctx.store, sessions));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const code = request.routeOptions.config.invalidCode ?? 'ARGUMENT_INVALID';
      const details = error.validation.map((v) => {
        const where = v.instancePath.replace(/^\//, '').split('/').filter(Boolean);
        return { path: path([error.validationContext ?? 'body', ...where]), message: v.message ?? 'invalid' };
      });
      return sendError(reply, code, `${details.length} invalid field(s)`, details);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 'PAYLOAD_TOO_LARGE');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted`);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(reply, 'INPUT_UNREADABLE', error.message);
      default:
        if (error instanceof SyntaxError || error.statusCode === 400) return sendError(reply, 'INPUT_UNREADABLE', `malformed body: ${error.message}`);
        if ((error as unknown) instanceof StoreUnavailableError) return storeUnavailable(reply, request, error as never);
        request.log.error({ err: error }, 'unhandled error');
        return sendError(reply, 'INTERNAL', `unexpected error (request ${request.id})`);
    }
  });
  const webRoot = opts.webRoot === undefined ? (existsSync(`${DEFAULT_WEB_ROOT}index.html`) ? DEFAULT_WEB_ROOT : null) : opts.webRoot;
  if (webRoot) {
    // Every built file gets its own route (wildcard: false), hidden from the OpenAPI document.
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      setHeaders: (reply, filePath) => {
        // Vite puts a content hash in every asset name: cache for ever; index.html never.
        reply.headers({ ...CONSOLE_HEADERS, 'cache-control': filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache' });
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    // SPA fallback: console pages (/review/rev_1 …) are client-side routes; the API keeps its JSON 404.
    if (webRoot && (request.method === 'GET' || request.method === 'HEAD') && !/^\/(v1|assets|docs)(\/|$)/.test(pathname)) {
      return reply.headers({ ...CONSOLE_HEADERS, 'cache-control': 'no-cache' }).sendFile('index.html', webRoot);
    }
    return sendError(reply, 'NOT_FOUND', `no route ${request.method} ${request.url}`);
  });

  registerHealthRoutes(app, opts.ctx);
  registerKeyRoutes(app, opts.ctx);
  registerOrgRoutes(app, opts.ctx);
  for (const register of opts.routes ?? []) await register(app, opts.ctx);

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
