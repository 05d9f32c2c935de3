import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { disposeScreeningHits, rescreenOpenLeads } from '../../app/screening/screening-disposition.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { rescreenJobView } from '../../app/screening/rescreen-jobs.ts';
import { approveListReload, reloadListSources, type ListFailure } from '../../app/screening/screening-lists.use-case.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

/** The list file's own words stay in the server log: an answer never quotes a file. */
function sendListFailure(request: FastifyRequest, reply: FastifyReply, f: ListFailure): FastifyReply {
  if (f.serverDetail) request.log.warn({ code: f.code, detail: f.serverDetail }, 'screening list source could not be loaded');
  const { serverDetail: _, ...answer } = f;
  return sendFailure(reply, answer);
}

export function registerScreeningRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerDispositionRoute(app, ctx);
  registerListRoutes(app, ctx);
  r.post(
    '/v1/screening::rescreen',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: { tags: ['screening'], summary: 'Re-screen open leads against the current list versions' },
    },
    async (request) => rescreenOpenLeads(ctx, principalOf(request)),
  );
}

function registerDispositionRoute(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/leads/:id/screening/dispositions',
    {
      config: { roles: ['compliance'] },
      schema: {
        tags: ['screening'],
        summary:
          'Compliance disposes every potential match as true match or false positive, with a reason; ' +
          'the lead is then cleared and routed, or stays blocked',
        params: z.object({ id: z.string().min(1).max(128) }),
        body: z.strictObject({
          dispositions: z
            .array(
              z.strictObject({
                listId: z.string().min(1).max(200),
                entryId: z.string().min(1).max(200),
                verdict: z.enum(['true_match', 'false_positive']),
                reason: z.string().trim().min(3).max(4000),
              }),
            )
            .min(1)
            .max(100),
        }),
      },
    },
    async (request, reply) => {
      const result = await disposeScreeningHits(ctx, principalOf(request), request.params.id, request.body.dispositions);
      return result.ok ? reply.send(result.value) : sendFailure(reply, result.error);
    },
  );
}

/** Loaded lists, reloads of configured sources and the second approval a shrinking reload waits for. */
function registerListRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/screening/lists',
    {
      config: { roles: ['admin', 'compliance', 'ops'] },
      schema: {
        tags: ['screening'],
        summary: 'Loaded list versions (source, hash, entry count, loaded at), configured sources and reloads awaiting approval',
      },
    },
    async () => ({
      lists: ctx.screening?.versions() ?? [],
      coverage: ctx.screening?.coverage() ?? 'no_sanctions_list',
      sources: (ctx.listSources?.sources ?? []).map((s) => ({ id: s.id, format: s.format, description: s.description ?? null })),
      withheld: ctx.screening?.withheldSources() ?? [],
      pending: await ctx.store.screeningLists.listPending(),
      // docs/screening.md "Scheduled reloads": what the checks this instance ran last found, by source
      scheduledChecks: ctx.listChecks?.all() ?? [],
    }),
  );
  r.post(
    '/v1/screening/lists::reload',
    {
      config: { roles: ['admin', 'compliance'], invalidCode: 'LIST_SOURCE_UNKNOWN' },
      schema: {
        tags: ['screening'],
        summary:
          'Reload configured list sources by id (all when none is named; never a path). ' +
          'Audited; a reload that shrinks a list too much waits for a second approver (202)',
        body: z.strictObject({ sources: z.array(z.string().min(1).max(200)).min(1).max(50).optional() }).default({}),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const result = await reloadListSources(ctx, principal, request.body.sources);
      if (!result.ok) return sendListFailure(request, reply, result.error);
      const outcome = result.value;
      // docs/screening.md "Re-screen jobs": the delta is screened against the stored leads by the background runner.
      return reply.code(outcome.pending.length > 0 ? 202 : 200).send({ ...outcome, lists: ctx.screening?.versions() ?? [] });
    },
  );
  r.post(
    '/v1/screening/lists::reload/:id/approve',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: {
        tags: ['screening'],
        summary:
          'A second principal (another API key) applies a reload held back by the shrink guard, if the file is still the one requested',
        params: z.object({ id: z.string().min(1).max(128) }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const result = await approveListReload(ctx, principal, request.params.id);
      if (!result.ok) return sendListFailure(request, reply, result.error);
      const { rescreen, ...applied } = result.value;
      return { applied, rescreen, lists: ctx.screening?.versions() ?? [] };
    },
  );
  registerRescreenJobRoutes(app, ctx);
}

/** Delta re-screening jobs (docs/screening.md "Re-screen jobs"): status, progress and report, for those who see the lists. */
function registerRescreenJobRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/screening/rescreens',
    {
      config: { roles: ['admin', 'compliance', 'ops'] },
      schema: {
        tags: ['screening'],
        summary: 'Delta re-screening jobs, newest first (status, progress, report); ?cursor=<nextCursor> for older ones',
        querystring: z.object({
          cursor: z.string().min(1).max(128).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
    },
    async (request, reply) => {
      const { cursor, limit } = request.query;
      const after = cursor === undefined ? undefined : await ctx.store.rescreenJobs.get(cursor);
      if (cursor !== undefined && !after)
        return sendError(reply, 'ARGUMENT_INVALID', 'unknown cursor', [{ path: '/querystring/cursor', message: 'unknown cursor' }]);
      const page = await ctx.store.rescreenJobs.list({ limit, before: after && { createdAt: after.createdAt, id: after.id } });
      return { items: page.map(rescreenJobView), nextCursor: page.length === limit ? page.at(-1)!.id : null };
    },
  );
  r.get(
    '/v1/screening/rescreens/:id',
    {
      config: { roles: ['admin', 'compliance', 'ops'] },
      schema: {
        tags: ['screening'],
        summary: 'One delta re-screening job: what queued it, status (queued, running, done, failed), progress and report',
        params: z.object({ id: z.string().trim().min(1).max(128) }),
      },
    },
    async (request, reply) => {
      const job = await ctx.store.rescreenJobs.get(request.params.id);
      return job
        ? rescreenJobView(job)
        : sendError(reply, 'NOT_FOUND', `no re-screen job ${request.params.id}`, [
            { path: '/params/id', message: 'no such re-screen job' },
          ]);
    },
  );
}
