import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reassignLead } from '../../app/routing/manual-reassign.use-case.ts';
import { reassignFromRep } from '../../app/routing/reassign.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const Id = z.string().trim().min(1).max(128);
const Reason = z.string().trim().min(3).max(4000);

/** Reassignment (docs/operations.md "Reassignment"): ops and admins move leads; only to reps eligible at that moment. */
export function registerReassignRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerBulkReassignment(app, ctx);
  registerReassignmentRead(app, ctx);
  registerManualReassignment(app, ctx);
}

/** POST /v1/reassignments — move a rep's open leads away (dryRun: the preview, nothing written). */
function registerBulkReassignment(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/reassignments',
    {
      config: { roles: ['ops', 'admin'] },
      schema: {
        tags: ['reassignment'],
        summary:
          "Re-decide a rep's open leads through the engine with that rep excluded (eligible reps only; queued or refused when none). " +
          'dryRun: true returns the preview (lead → rep, or refused) and writes nothing.',
        body: z.strictObject({ fromRepId: Id, reason: Reason, dryRun: z.boolean().default(false) }),
      },
    },
    async (request, reply) => {
      const result = await reassignFromRep(ctx, principalOf(request), request.body);
      if (!result.ok) return sendFailure(reply, result.error);
      return reply.code(result.value.kind === 'preview' ? 200 : 201).send(result.value);
    },
  );
}

/** GET /v1/reassignments/:id — one operation with its per-lead items. */
function registerReassignmentRead(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/reassignments/:id',
    {
      config: { roles: ['ops', 'admin', 'compliance'] },
      schema: {
        tags: ['reassignment'],
        summary:
          'One bulk reassignment: who, why, counts and where each lead went; for an automatic one also its job ' +
          '(pending, running, finished, failed) and progress',
        params: z.object({ id: Id }),
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const [reassignment, job] = await Promise.all([ctx.store.reassignments.get(id), ctx.store.reassignmentJobs.get(id)]);
      if (!reassignment && !job) return sendError(reply, 'NOT_FOUND', `no reassignment ${id}`);
      const items = await ctx.store.reassignments.items(id);
      const status = job && job.status !== 'finished' ? job.status : (reassignment?.status ?? job!.status);
      const progress = {
        status,
        done: items.length,
        leads: reassignment?.status === 'finished' ? reassignment.counts.leads : (job?.leadIds?.length ?? null),
      };
      return { reassignment: reassignment ?? null, job: job ?? null, progress, items };
    },
  );
}

/** POST /v1/leads/:id/reassign — move one lead to a named rep: assigned when eligible, else an exception review. */
function registerManualReassignment(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/leads/:id/reassign',
    {
      config: { roles: ['ops', 'admin'] },
      schema: {
        tags: ['reassignment'],
        summary:
          'Reassign a lead to a named rep: assigned at once when the rep is eligible now (the eligibility re-check is recorded); ' +
          'otherwise nothing moves and an exception review is opened for compliance (202)',
        params: z.object({ id: Id }),
        body: z.strictObject({ repId: Id, reason: Reason }),
      },
    },
    async (request, reply) => {
      const result = await reassignLead(ctx, principalOf(request), request.params.id, request.body);
      if (!result.ok) return sendFailure(reply, result.error);
      return reply.code(result.value.outcome === 'ASSIGNED' ? 200 : 202).send(result.value);
    },
  );
}
