import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Transform } from 'node:stream';
import { z } from 'zod';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { FormGuard } from '../../app/sources/form-guard.ts';
import { mintFormToken } from '../../app/sources/form-token.ts';
import { findForm, submitForm, type FormFailure } from '../../app/sources/submit-form.use-case.ts';
import type { FormSourceConfig } from '../../domain/org/sources.schema.ts';
import { sourceFieldsOf } from '../../domain/sources/map-source-fields.ts';
import { sendError, sendFailure } from '../reply-error.ts';

/** Upper bound for any form (a form's own maxBodyBytes is at most this, see sources.schema.ts). */
const MAX_FORM_BYTES = 1024 * 1024;
const MAX_FIELDS = 200;

declare module 'fastify' {
  interface FastifyRequest {
    /** The form a /v1/forms/:formId request is for (resolved in onRequest). */
    form?: FormSourceConfig;
  }
}

const tooLarge = () => Object.assign(new Error('request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });

/** Counts body bytes as they stream and fails past the form's limit (bodies without Content-Length included). */
function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) done(tooLarge());
      else done(null, chunk);
    },
  });
}

const wantsJson = (request: FastifyRequest) => /\bapplication\/json\b/i.test(String(request.headers.accept ?? ''));

const headerText = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Collects multipart fields (files are refused), counting bytes against the form's limit. */
async function multipartFields(request: FastifyRequest, limit: number): Promise<Map<string, string[]> | 'too_large' | 'file'> {
  const fields = new Map<string, string[]>();
  let bytes = 0;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      part.file.resume();
      return 'file';
    }
    const value = typeof part.value === 'string' ? part.value : String(part.value ?? '');
    bytes += Buffer.byteLength(part.fieldname) + Buffer.byteLength(value);
    if (bytes > limit) return 'too_large';
    fields.set(part.fieldname, [...(fields.get(part.fieldname) ?? []), value]);
  }
  return fields;
}

function redirectTo(reply: FastifyReply, base: string, params: Record<string, string>): FastifyReply {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return reply.code(303).header('location', url.toString()).header('cache-control', 'no-store').send();
}

function answerFailure(request: FastifyRequest, reply: FastifyReply, form: FormSourceConfig, f: FormFailure): FastifyReply {
  // Invalid input goes back to the page (a person can fix it); anything else is an HTTP error.
  if (f.code === 'LEAD_INVALID' && !wantsJson(request)) {
    return redirectTo(reply, form.errorUrl ?? form.returnUrl, {
      error: f.code,
      ...(f.fields.length > 0 ? { fields: f.fields.join(',') } : {}),
    });
  }
  // sendFailure keeps a 429's retryAfterSeconds (body and Retry-After header).
  return sendFailure(reply, f);
}

/**
 * Public web-form endpoint (Web-to-Lead style, docs/sources.md). No API key: the form's own config
 * authenticates it (form key and/or Origin allow-list), with a honeypot, a token bucket per client
 * IP and a body limit per form. urlencoded and multipart parsers are registered in this plugin
 * only, so the JSON routes keep refusing them.
 */
export async function registerFormRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const guard = new FormGuard();
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: MAX_FORM_BYTES });
    await scope.register(multipart, {
      limits: { fieldNameSize: 200, fieldSize: MAX_FORM_BYTES, fields: MAX_FIELDS, files: 0, parts: MAX_FIELDS },
    });
    registerFormSubmission(scope, ctx, guard);
    registerFormToken(scope, ctx, guard);
    registerFormList(scope, ctx, guard);
  });
}

/** onRequest for a submission: the form exists, the client is under its rate limit, the declared length fits. */
function admitSubmission(ctx: ServiceContext, guard: FormGuard) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const formId = (request.params as { formId?: string }).formId ?? '';
    const form = findForm(ctx, formId);
    if (!form) return sendError(reply, 'NOT_FOUND', `no form ${JSON.stringify(formId)}`);
    const admitted = guard.admit(form, request.ip, ctx.clock.now());
    if (!admitted.ok) {
      reply.header('retry-after', String(admitted.retryAfterSeconds));
      return sendError(reply, 'RATE_LIMITED', `too many submissions from this address; retry in ${admitted.retryAfterSeconds} s`);
    }
    if (Number(request.headers['content-length'] ?? 0) > form.maxBodyBytes) {
      guard.count(form.id, 'tooLarge');
      return sendError(reply, 'PAYLOAD_TOO_LARGE', `form ${form.id} accepts at most ${form.maxBodyBytes} bytes`);
    }
    request.form = form;
  };
}

/** The submitted fields, or the reply already sent when the body cannot be a lead form. */
async function submittedFields(
  request: FastifyRequest,
  reply: FastifyReply,
  form: FormSourceConfig,
  guard: FormGuard,
): Promise<Map<string, string[]> | FastifyReply> {
  if (request.isMultipart()) {
    let collected: Awaited<ReturnType<typeof multipartFields>>;
    try {
      collected = await multipartFields(request, form.maxBodyBytes);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'FST_FILES_LIMIT') collected = 'file';
      else if ((e as { statusCode?: number }).statusCode === 413) collected = 'too_large';
      else return sendError(reply, 'INPUT_UNREADABLE', `malformed multipart body: ${(e as Error).message}`);
    }
    if (collected === 'too_large') {
      guard.count(form.id, 'tooLarge');
      return sendError(reply, 'PAYLOAD_TOO_LARGE', `form ${form.id} accepts at most ${form.maxBodyBytes} bytes`);
    }
    if (collected === 'file') return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', 'file uploads are not accepted by lead forms');
    return collected;
  }
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', 'post the form as application/x-www-form-urlencoded or multipart/form-data');
  const fields = sourceFieldsOf(body as Record<string, unknown>);
  if (fields.size > MAX_FIELDS) return sendError(reply, 'PAYLOAD_TOO_LARGE', `at most ${MAX_FIELDS} fields`);
  return fields;
}

/** POST /v1/forms/:formId — a browser (or a script with Accept: application/json) submits a lead. */
function registerFormSubmission(scope: FastifyInstance, ctx: ServiceContext, guard: FormGuard): void {
  scope.withTypeProvider<ZodTypeProvider>().post(
    '/v1/forms/:formId',
    {
      bodyLimit: MAX_FORM_BYTES,
      schema: {
        tags: ['sources'],
        summary:
          "Submit an HTML form (application/x-www-form-urlencoded or multipart/form-data): 303 to the assigned rep's booking page or " +
          "the form's return URL, or JSON with " +
          'Accept: application/json',
        description:
          "Public: authenticated by the form's key (hidden field or header) and/or Origin allow-list. Honeypot, per-IP rate limit and " +
          'body limit per form. See docs/sources.md.',
        security: [],
        params: z.object({ formId: z.string().max(64) }),
      },
      onRequest: admitSubmission(ctx, guard),
      preParsing: async (request, _reply, payload) => (request.form ? payload.pipe(byteLimit(request.form.maxBodyBytes)) : payload),
    },
    async (request, reply) => {
      const form = request.form!;
      const fields = await submittedFields(request, reply, form, guard);
      if (!(fields instanceof Map)) return fields;
      const submission = {
        fields,
        origin: headerText(request, 'origin'),
        headerKey: headerText(request, form.keyHeader),
        headerToken: headerText(request, 'x-remit-form-token'),
        nowMs: ctx.clock.now(),
      };
      const result = await submitForm(ctx, guard, form, submission, (leads) =>
        scope.intakeLimiter.admit({ kind: 'source', id: form.id }, leads),
      );
      if (!result.ok) {
        if (result.error.code === 'FORBIDDEN') request.log.warn({ form: form.id, ip: request.ip }, result.error.message);
        return answerFailure(request, reply, form, result.error);
      }
      const accepted = result.value;
      if (accepted.trapped)
        request.log.warn({ form: form.id, ip: request.ip }, 'form honeypot filled: answered as accepted, nothing stored');
      const booking = accepted.bookingUrl === null ? {} : { bookingUrl: accepted.bookingUrl };
      if (wantsJson(request)) return reply.code(201).send({ leadId: accepted.leadId, status: accepted.status, ...booking });
      // An assigned lead's prospect books the rep at once (docs/sources.md "Booking hand-off"); otherwise the neutral page.
      if (accepted.bookingUrl !== null)
        return reply.code(303).header('location', accepted.bookingUrl).header('cache-control', 'no-store').send();
      return redirectTo(reply, form.returnUrl, { lead: accepted.leadId, status: accepted.status });
    },
  );
}

/** GET /v1/forms/:formId/token — a signed, short-lived token for forms that require one. */
function registerFormToken(scope: FastifyInstance, ctx: ServiceContext, guard: FormGuard): void {
  scope.withTypeProvider<ZodTypeProvider>().get(
    '/v1/forms/:formId/token',
    {
      schema: {
        tags: ['sources'],
        summary: 'A signed, short-lived token for a form configured with signedToken (public; rate-limited like posts)',
        description: "Put it in the form's token field (default _form_token) or the X-Remit-Form-Token header. See docs/sources.md.",
        security: [],
        params: z.object({ formId: z.string().max(64) }),
      },
    },
    async (request, reply) => {
      const form = findForm(ctx, request.params.formId);
      if (!form?.signedToken) return sendError(reply, 'NOT_FOUND', `no form ${JSON.stringify(request.params.formId)} with signed tokens`);
      const admitted = guard.admit(form, request.ip, ctx.clock.now());
      if (!admitted.ok) {
        reply.header('retry-after', String(admitted.retryAfterSeconds));
        return sendError(reply, 'RATE_LIMITED', `too many requests from this address; retry in ${admitted.retryAfterSeconds} s`);
      }
      const secret = guard.secrets(form.signedToken.secretEnv);
      if (secret === undefined)
        return sendError(
          reply,
          'UNAVAILABLE',
          `form ${form.id} is not configured: environment variable ${form.signedToken.secretEnv} is not set`,
        );
      const { token, expiresAt } = mintFormToken(secret, form.id, ctx.clock.now(), form.signedToken.ttlSeconds);
      reply.header('cache-control', 'no-store');
      return { token, field: form.signedToken.field, expiresAt: new Date(expiresAt).toISOString() };
    },
  );
}

/** GET /v1/forms — the configured forms with this process's counters. */
function registerFormList(scope: FastifyInstance, ctx: ServiceContext, guard: FormGuard): void {
  scope.withTypeProvider<ZodTypeProvider>().get(
    '/v1/forms',
    {
      config: { roles: ['admin', 'ops'] },
      schema: {
        tags: ['sources'],
        summary:
          "Configured web forms with this process's counters (received, stored, duplicates, invalid, honeypot, forbidden, rateLimited, " +
          'tooLarge)',
      },
    },
    async () => ({
      forms: ctx.orgs.current.config.sources.forms.map((f) => ({
        id: f.id,
        name: f.name ?? null,
        returnUrl: f.returnUrl,
        keyRequired: f.keyEnv !== undefined,
        signedTokenRequired: f.signedToken !== undefined,
        allowedOrigins: f.allowedOrigins,
        rateLimit: f.rateLimit,
        maxBodyBytes: f.maxBodyBytes,
        counters: guard.stats(f.id),
      })),
    }),
  );
}
