import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ingestLead } from '../../app/intake/ingest-lead.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import type { AppFailure } from '../../app/shared/app-error.ts';
import { pointer, underPointer } from '../../domain/errors/detail-path.ts';
import { remitError } from '../../domain/errors/error-catalogue.ts';
import { fromZodIssues } from '../../domain/intake/field-error.ts';
import { IntakeLeadSchema } from '../../domain/intake/intake-lead.schema.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { BatchTurns } from '../../app/intake/batch-turns.ts';
import { orderedWindow, type InOrder } from '../../app/intake/ordered-window.ts';
import type { IntakeClient } from '../../app/intake/intake-limiter.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';
import { JSON_CONTENT_TYPE, jsonBytes } from '../json-bytes.ts';

const INGESTERS = ['integration', 'ops', 'admin'] as const;
const MAX_BATCH = 500;

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as posted, before validation applied defaults (docs/intake.md: the raw payload is kept). */
    rawPayload?: unknown;
  }
}

/** A use case's field paths are relative to the lead it was given; over HTTP they point into the request (docs/errors.md). */
const inBody = (f: AppFailure, at: string): AppFailure => ({
  ...f,
  details: f.details.map((d) => ({ ...d, path: underPointer(at, d.path) })),
});

const keepRaw = async (request: FastifyRequest) => {
  request.rawPayload = request.body;
};

const idempotencyKeyOf = (request: FastifyRequest): string | undefined | null => {
  const v = request.headers['idempotency-key'];
  if (v === undefined) return undefined;
  return typeof v === 'string' && /^[\x21-\x7e]{1,200}$/.test(v) ? v : null;
};

/** The `source` a client posted, for the intake metric's label (whatever the validation made of the body). */
const postedSource = (raw: unknown): unknown =>
  raw !== null && typeof raw === 'object' ? (raw as { source?: unknown }).source : undefined;

/** Limits count per API key; a console session (no key) counts as its person. */
const keyClient = (p: Principal): IntakeClient => ({ kind: 'key', id: p.keyId ?? `user:${p.userId}` });

/** A batch item's answer: the single-lead answer's fields (leadId, status, decision …) or its error. */
type BatchItem =
  | ({ readonly index: number; readonly ok: true; readonly replayed: boolean } & Readonly<Record<string, unknown>>)
  | { readonly index: number; readonly ok: false; readonly error: AppFailure };

/** One item of a batch through the single-lead pipeline, under its own derived Idempotency-Key, in its own transaction. */
async function ingestItem(
  ctx: ServiceContext,
  principal: Principal,
  raw: unknown,
  index: number,
  key: string | undefined,
  inOrder: InOrder,
): Promise<BatchItem> {
  // Each item gets its own derived key, so retrying the batch replays every item that succeeded.
  const at = pointer(['body', 'leads', index]);
  const parsed = IntakeLeadSchema.safeParse(raw);
  if (!parsed.success) {
    ctx.metrics.leadIngested(postedSource(raw), { ok: false, error: null }, 0);
    const details = fromZodIssues(parsed.error.issues).map((e) => ({ path: underPointer(at, e.path), message: e.message }));
    return { index, ok: false, error: { code: 'LEAD_INVALID', message: `${details.length} invalid field(s)`, details } };
  }
  const started = performance.now();
  let result;
  try {
    result = await ingestLead(ctx, principal, raw, { idempotencyKey: key === undefined ? undefined : `${key}#${index}`, inOrder });
  } catch (e) {
    // The slice's other leads ran beside this one and keep their own outcomes: this lead's error is its own item (its
    // transaction rolled back, so nothing of it is stored), not the whole batch's 500.
    ctx.log.error({ err: e, index }, 'unexpected error in a batch lead');
    return { index, ok: false, error: remitError('INTERNAL', 'unexpected error; this lead was not stored') };
  }
  ctx.metrics.leadIngested(parsed.data.source, result, (performance.now() - started) / 1000);
  if (result.ok) return { index, ok: true, replayed: result.value.replayed, ...result.value.body };
  return { index, ok: false, error: inBody(result.error, at) };
}

export function registerLeadWriteRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Requests whose outcome the handler counted; the rest that end in 422 failed request validation (INVALID).
  const counted = new WeakSet<FastifyRequest>();
  const countInvalid = async (request: FastifyRequest, reply: { statusCode: number }) => {
    if (reply.statusCode === 422 && !counted.has(request))
      ctx.metrics.leadIngested(postedSource(request.rawPayload), { ok: false, error: null }, 0);
  };
  r.post(
    '/v1/leads',
    {
      config: { roles: INGESTERS, invalidCode: 'LEAD_INVALID' },
      preValidation: keepRaw,
      onResponse: countInvalid,
      schema: {
        tags: ['leads'],
        summary: 'Ingest a lead: validate, normalise, dedupe, score, match the account, route and record it; answers with the decision',
        description:
          'Send an Idempotency-Key header to make retries safe: a retried request returns the first answer and creates nothing new.',
        headers: z.object({ 'idempotency-key': z.string().max(200).optional() }),
        body: IntakeLeadSchema,
      },
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request);
      if (key === null)
        return sendError(reply, 'ARGUMENT_INVALID', 'Idempotency-Key must be 1–200 printable ASCII characters', [
          { path: '/headers/idempotency-key', message: 'invalid' },
        ]);
      const principal = principalOf(request);
      const admission = app.intakeLimiter.admit(keyClient(principal), 1);
      if (admission.kind === 'refused') return sendFailure(reply, admission.failure);
      try {
        const started = performance.now();
        const result = await ingestLead(ctx, principal, request.rawPayload, { idempotencyKey: key });
        ctx.metrics.leadIngested(request.body.source, result, (performance.now() - started) / 1000);
        counted.add(request);
        if (!result.ok) return sendFailure(reply, inBody(result.error, '/body'));
        if (result.value.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(result.value.statusCode).type(JSON_CONTENT_TYPE).send(jsonBytes(result.value.body));
      } finally {
        admission.release();
      }
    },
  );

  registerBatchRoute(app, ctx);
}

/** POST /v1/leads:batch — each lead through the single-lead pipeline, in slices that take turns with other clients. */
function registerBatchRoute(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const turns = new BatchTurns(() => app.intakeLimiter.limits.batchTurnsAtOnce);
  r.post(
    '/v1/leads::batch',
    {
      config: { roles: INGESTERS, invalidCode: 'LEAD_INVALID' },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['leads'],
        summary: `Ingest up to ${MAX_BATCH} leads; each is processed (and committed) on its own and answered in order`,
        description:
          'Taken in slices (org config limits.batchSlice / batchSliceMs), so other clients are served between slices. Over the ' +
          "key's intake limits the whole batch is refused with 429 and Retry-After, nothing stored (docs/operations.md).",
        body: z.strictObject({ leads: z.array(z.unknown()).min(1).max(MAX_BATCH) }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const key = idempotencyKeyOf(request);
      if (key === null)
        return sendError(reply, 'ARGUMENT_INVALID', 'Idempotency-Key must be 1–200 printable ASCII characters', [
          { path: '/headers/idempotency-key', message: 'invalid' },
        ]);
      const leads = request.body.leads;
      const client = keyClient(principal);
      // The whole batch is admitted or refused before any lead is taken in: a 429 stores nothing.
      const admission = app.intakeLimiter.admit(client, leads.length);
      if (admission.kind === 'refused') return sendFailure(reply, admission.failure);
      try {
        const results: BatchItem[] = [];
        const { batchSlice, batchSliceMs, batchTurnLeadsAtOnce } = app.intakeLimiter.limits;
        while (results.length < leads.length) {
          // One turn per slice: between two slices other clients' requests (a single lead, another batch's slice) run.
          // The slice's leads run batchTurnLeadsAtOnce at a time (default 1): several at once share routing transactions;
          // they reach the batch and are answered in input order (ordered-window.ts). A slice ends after batchSlice
          // leads, or earlier once it has run batchSliceMs: no lead starts after that (those started finish).
          await turns.run(`${client.kind}:${client.id}`, async () => {
            const started = performance.now();
            const from = results.length;
            await orderedWindow(leads.slice(from, from + batchSlice), {
              width: batchTurnLeadsAtOnce,
              stop: () => performance.now() - started >= batchSliceMs,
              run: (raw, i, inOrder) => ingestItem(ctx, principal, raw, from + i, key, inOrder),
              done: (item) => {
                results.push(item);
              },
            });
          });
        }
        const accepted = results.filter((x) => x.ok).length;
        return reply.code(200).send({ accepted, rejected: results.length - accepted, results });
      } finally {
        admission.release();
      }
    },
  );
}
