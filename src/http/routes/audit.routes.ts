import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportCheckpoints, leadStory, leadStoryHtml, verifyStoredLog } from '../../app/audit/audit-queries.ts';
import { replayDecision } from '../../app/audit/audit-replay.use-case.ts';
import { eraseLead } from '../../app/privacy/erase-lead.use-case.ts';
import { retentionOf } from '../../domain/org/retention.schema.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { renderLeadStory } from '../../audit/index.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const Id = z.string().min(1).max(128);

/** The audit trail over HTTP (docs/audit.md): lead story, checkpoints, verification, replay, erasure. */
export function registerAuditRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerLeadStory(app, ctx);
  registerCheckpointExport(app, ctx);
  registerAuditVerify(app, ctx);
  registerDecisionReplay(app, ctx);
  registerLeadErasure(app, ctx);
}

/** GET /v1/leads/:id/story — the lead story, JSON or HTML. */
function registerLeadStory(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/leads/:id/story',
    {
      config: { roles: ['admin', 'ops', 'compliance'] },
      schema: {
        tags: ['audit'],
        summary:
          'Everything that happened to the lead, in order, with inclusion proofs against the latest signed checkpoint (JSON; HTML with ' +
          'Accept: text/html)',
        params: z.object({ id: Id }),
      },
    },
    async (request, reply) => {
      const story = await leadStory(ctx.store, request.params.id);
      if (!story) return sendError(reply, 'NOT_FOUND', `the sealed audit log has no entry about ${request.params.id}`);
      const accept = request.headers.accept ?? '';
      if (/text\/html/.test(accept) && !/application\/json/.test(accept))
        return reply.type('text/html; charset=utf-8').send(leadStoryHtml(story, renderLeadStory(story)));
      return reply.type('application/json').send(JSON.stringify(story));
    },
  );
}

/** GET /v1/audit/checkpoints — public keys and the latest signed checkpoints. */
function registerCheckpointExport(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/audit/checkpoints',
    {
      config: { roles: ['admin', 'ops', 'compliance'] },
      schema: {
        tags: ['audit'],
        summary: 'The public keys and the latest signed checkpoints (to keep outside Remit)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(20) }),
      },
    },
    async (request, reply) => {
      const file = await exportCheckpoints(ctx.store, toIso(ctx.clock.now()));
      return reply.type('application/json').send(JSON.stringify({ ...file, checkpoints: file.checkpoints.slice(-request.query.limit) }));
    },
  );
}

/** POST /v1/audit/verify — verify the log (or a range) against the checkpoints. */
function registerAuditVerify(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/audit/verify',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: {
        tags: ['audit'],
        summary: 'Verify the whole audit log (or a range) against the stored checkpoints; names the first bad entry',
        body: z.strictObject({ from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional() }).optional(),
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      if (body.from !== undefined && body.to !== undefined && body.to < body.from)
        return sendError(reply, 'ARGUMENT_INVALID', 'to must be ≥ from', [{ path: '/body/to', message: 'to < from' }]);
      // A store known to be damaged or replaced cannot vouch for its log: say so rather than verify what is left (docs/audit.md).
      const storage = await ctx.store.health();
      if (storage.kind === 'faulted') {
        const details = [{ path: 'storage.reason', message: storage.reason }];
        return sendError(reply, 'STORE_UNAVAILABLE', `the audit log cannot be verified: ${storage.detail}`, details);
      }
      const report = await verifyStoredLog(ctx.store, {
        ...(body.from !== undefined ? { from: body.from } : {}),
        ...(body.to !== undefined ? { to: body.to } : {}),
      });
      ctx.metrics.auditVerified(report.ok, ctx.clock.now());
      return reply.type('application/json').send(JSON.stringify(report));
    },
  );
}

/** GET /v1/decisions/:id/replay — re-run a recorded decision. */
function registerDecisionReplay(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/decisions/:id/replay',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: {
        tags: ['audit'],
        summary:
          "Re-run a recorded decision against the org version it names; identical / different field by field, with the record's integrity",
        params: z.object({ id: Id }),
      },
    },
    async (request, reply) => {
      const result = await replayDecision({ store: ctx.store, orgVersion: (hash) => ctx.orgs.get(hash) }, request.params.id);
      return result.ok ? reply.type('application/json').send(JSON.stringify(result.value)) : sendFailure(reply, result.error);
    },
  );
}

/** POST /v1/leads/:id/erase — erase personal data, keep the records verifiable. */
function registerLeadErasure(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/leads/:id/erase',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: {
        tags: ['audit'],
        summary:
          "Erase the lead's personal data (docs/audit.md); decision records and the audit log stay verifiable, with the retention basis " +
          'recorded',
        params: z.object({ id: Id }),
        body: z.strictObject({ reason: z.string().trim().min(3).max(2000) }),
      },
    },
    async (request, reply) => {
      const retention = retentionOf(ctx.orgs.current.config);
      const deps = { store: ctx.store, clock: ctx.clock, retention };
      const result = await eraseLead(deps, principalOf(request).userId, request.params.id, request.body.reason);
      return result.ok ? reply.send(result.value) : sendFailure(reply, result.error);
    },
  );
}
