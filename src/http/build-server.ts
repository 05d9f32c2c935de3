import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../app/shared/service-context.ts';
import { IntakeLimiter } from '../app/intake/intake-limiter.ts';
import type { ErrorCode } from '../domain/errors/error-catalogue.ts';
import { StoreUnavailableError } from '../store/store-errors.ts';
import { authHook, requestReadsOf } from './auth.ts';
import { pointer } from '../domain/errors/detail-path.ts';
import { ForbiddenKeyError, NulCharacterError, useJsonBodyParser } from './json-body-parser.ts';
import { sendError } from './reply-error.ts';
import { describeRoute } from './openapi-transform.ts';
import { registerHealthRoutes } from './routes/health.routes.ts';
import { registerKeyRoutes } from './routes/keys.routes.ts';
import { registerUserRoutes } from './routes/users.routes.ts';
import { registerOidcRoutes } from './routes/oidc.routes.ts';
import { registerOrgRoutes } from './routes/org.routes.ts';
import { registerPrometheusRoute } from './routes/metrics-prometheus.routes.ts';
import { SessionStore } from './session-store.ts';

export interface ServerOptions {
  readonly ctx: ServiceContext;
  /** Log a line per request received and answered (default true); the logger itself is `ctx.log`. */
  readonly requestLogs?: boolean;
  /** Default request body limit, bytes (batch and config uploads set their own). */
  readonly bodyLimit?: number;
  /** Extra route modules (ingestion, review, webhooks …) registered after the core. */
  readonly routes?: readonly ((app: FastifyInstance, ctx: ServiceContext) => void | Promise<void>)[];
  /** The built web console (docs/console.md) served at `/`; default web/dist when it exists; null = none. */
  readonly webRoot?: string | null;
  /** Console sessions (cookie sign-in); default: kept in the service's store. */
  readonly sessions?: SessionStore;
  /** Console session lifetime (REMIT_SESSION_TTL_MINUTES), when `sessions` is not given. */
  readonly sessionTtlMs?: number;
  /** REMIT_METRICS_TOKEN: a bearer secret accepted on GET /metrics besides admin and ops keys. */
  readonly metricsToken?: string | undefined;
  /** Fastify trustProxy: true, a hop count, or addresses/CIDRs of the proxies whose X-Forwarded-* headers are believed. */
  readonly trustProxy?: TrustProxy;
}

export type TrustProxy = boolean | number | string[];

/** Where `npm run build` puts the console. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Headers for the console's HTML and assets: no framing, no sniffing, scripts only from this origin. */
const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
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
    /** Per-key and per-source intake limits of this process (org config `limits`; docs/operations.md "Intake limits"). */
    intakeLimiter: IntakeLimiter;
  }
}

/** A client's X-Request-Id worth logging: ≤ 64 characters from a plain set. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The catalogue code for a 4xx status raised by Fastify or a plugin; undefined for anything else. */
function clientErrorCode(status: number | undefined): ErrorCode | undefined {
  if (status === undefined || status < 400 || status > 499) return undefined;
  const byStatus: Partial<Record<number, ErrorCode>> = {
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'NOT_FOUND',
    409: 'CONFLICT',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'RATE_LIMITED',
  };
  return byStatus[status] ?? 'ARGUMENT_INVALID';
}

/**
 * NUL cannot be stored in PostgreSQL text and is never meaningful in an id or filter, so it is refused
 * for every route in one place. Returns the path of the first offending parameter.
 */
function nulParameter(request: FastifyRequest): string | undefined {
  for (const [source, values] of [
    ['params', request.params],
    ['querystring', request.query],
  ] as const) {
    if (values === null || typeof values !== 'object') continue;
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      const texts = Array.isArray(value) ? value : [value];
      if (texts.some((t) => typeof t === 'string' && t.includes('\u0000'))) return pointer([source, name]);
    }
  }
  return undefined;
}

/** A removed, replaced or damaged store (docs/storage.md) refuses the write: 503 with the reason code, logged once per request. */
function storeUnavailable(reply: FastifyReply, request: FastifyRequest, error: StoreUnavailableError): FastifyReply {
  request.log.error({ err: error, reason: error.reason }, 'store unavailable');
  return sendError(reply, 'STORE_UNAVAILABLE', error.message, [{ path: 'storage.reason', message: error.reason }]);
}

/** Every error leaves in the catalogue's shape: validation details per field, framework codes mapped, the rest logged. */
function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const code = request.routeOptions.config.invalidCode ?? 'ARGUMENT_INVALID';
    const details = error.validation.flatMap((v) => {
      const at = [error.validationContext ?? 'body', ...v.instancePath.split('/').filter(Boolean)];
      // One detail per unknown key, at the key itself (zod reports them together, at the object).
      const unknown = v.keyword === 'unrecognized_keys' ? ((v.params as { keys?: unknown }).keys as string[] | undefined) : undefined;
      if (unknown) return unknown.map((key) => ({ path: pointer([...at, key]), message: `unknown field "${key}"` }));
      return [{ path: pointer(at), message: v.message ?? 'invalid' }];
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
    default: {
      if (error instanceof NulCharacterError) {
        return sendError(reply, request.routeOptions.config.invalidCode ?? 'ARGUMENT_INVALID', error.message, [
          { path: error.path, message: 'contains U+0000' },
        ]);
      }
      if (error instanceof ForbiddenKeyError) {
        return sendError(reply, 'INPUT_UNREADABLE', error.message, [
          { path: error.path, message: 'key refused (prototype pollution guard)' },
        ]);
      }
      if (error instanceof SyntaxError || error.statusCode === 400)
        return sendError(reply, 'INPUT_UNREADABLE', `malformed body: ${error.message}`);
      if ((error as unknown) instanceof StoreUnavailableError) return storeUnavailable(reply, request, error as never);
      if (error instanceof RangeError) {
        // Input nested deeply enough to exhaust the stack (validators recurse): the input's fault, not ours.
        request.log.warn({ err: error }, 'input too deeply nested');
        return sendError(reply, request.routeOptions.config.invalidCode ?? 'ARGUMENT_INVALID', 'the input is nested too deeply to process');
      }
      const clientCode = clientErrorCode(error.statusCode);
      if (clientCode) {
        // A plugin's 4xx (e.g. @fastify/static's 403 for a path outside its root) is the client's mistake: no error log.
        request.log.info({ statusCode: error.statusCode, code: error.code }, error.message);
        return sendError(reply, clientCode, error.message);
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendError(reply, 'INTERNAL', `unexpected error (request ${request.id})`);
    }
  }
}

/**
 * The HTTP adapter: thin. Validation, OpenAPI and docs come from the zod schemas; every error uses
 * the catalogue's shape; every route declares the roles it admits.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  // Typed as Fastify's base logger so the instance keeps its default type (route modules take FastifyInstance).
  const logger: FastifyBaseLogger = opts.ctx.log;
  const app = Fastify({
    // One logger per process: Fastify's request logs and the workers' lines go through ctx.log, each
    // request's lines through a child carrying its reqId.
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: opts.requestLogs === false }),
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    // Request ids are always ours (a client's X-Request-Id could spoof or collide); see clientRequestId below.
    requestIdHeader: false,
    // The default is an incrementing counter per process; several instances need unique ids.
    genReqId: () => opts.ctx.ids.next('req'),
    // Fastify's trustProxy: only then are X-Forwarded-Proto/-For/-Host believed (request.protocol, request.ip).
    // (A hop count works at run time; Fastify's types leave numbers out.)
    trustProxy: (opts.trustProxy ?? false) as boolean | string[],
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('storeReads', null);
  // JSON only (form posts get their own parser where a route accepts them): anything else is 415.
  app.removeContentTypeParser(['text/plain']);
  useJsonBodyParser(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Remit API',
        version: '1',
        description: 'Compliance-aware lead routing. Errors follow the catalogue in docs/errors.md.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key: Authorization: Bearer remit_…' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: describeRoute,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const sessionTtl = opts.sessionTtlMs ? { ttlMs: opts.sessionTtlMs } : {};
  const sessions = opts.sessions ?? new SessionStore({ store: opts.ctx.store, now: opts.ctx.clock.now, ...sessionTtl });
  app.decorate('sessions', sessions);
  app.decorate('intakeLimiter', new IntakeLimiter(opts.ctx));
  // Every instance routes with the org version in force in the store (published through any of them).
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/v1/')) await opts.ctx.orgs.sync(false, requestReadsOf(request, opts.ctx.store));
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // A caller's own correlation id is kept for the logs, as its own field, only when it is short and plain.
    const clientId = request.headers['x-request-id'];
    if (typeof clientId === 'string' && CLIENT_REQUEST_ID.test(clientId))
      reply.log = request.log = request.log.child({ clientRequestId: clientId });
  });
  app.addHook('onRequest', authHook(opts.ctx.store, sessions));
  app.addHook('preValidation', async (request, reply) => {
    const nul = nulParameter(request);
    if (nul)
      return sendError(reply, 'ARGUMENT_INVALID', 'parameters may not contain NUL characters', [{ path: nul, message: 'contains U+0000' }]);
  });

  app.setErrorHandler(answerError);
  const webRoot = opts.webRoot === undefined ? (existsSync(`${DEFAULT_WEB_ROOT}index.html`) ? DEFAULT_WEB_ROOT : null) : opts.webRoot;
  if (webRoot) {
    // Every built file gets its own route (wildcard: false), hidden from the OpenAPI document.
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      setHeaders: (reply, filePath) => {
        // Vite puts a content hash in every asset name: cache for ever; index.html never.
        reply.headers({
          ...CONSOLE_HEADERS,
          'cache-control': filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
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

  registerCoreRoutes(app, opts.ctx);
  registerPrometheusRoute(app, opts.ctx, { token: opts.metricsToken });
  for (const register of opts.routes ?? []) await register(app, opts.ctx);

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}

/** What every server has, whatever else it serves: health, people and keys, single sign-on, the org. */
function registerCoreRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerHealthRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerOidcRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
}
