import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { disposeScreeningHits, rescreenOpenLeads } from '../../app/screening/screening-disposition.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { rescreenListDeltas } from '../../app/screening/delta-rescreen.use-case.ts';
import { approveListReload, reloadListSources, type ListFailure } from '../../app/screening/screening-lists.use-case.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';

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
      const { deltas, ...outcome } = result.value;
      // docs/screening.md "Delta re-screening": the changed entries against the stored leads, before answering.
      const rescreen = await rescreenListDeltas(ctx, principal, deltas);
      return reply.code(outcome.pending.length > 0 ? 202 : 200).send({ ...outcome, rescreen, lists: ctx.screening?.versions() ?? [] });
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
      const { delta, ...applied } = result.value;
      const rescreen = await rescreenListDeltas(ctx, principal, [delta]);
      return { applied, rescreen, lists: ctx.screening?.versions() ?? [] };
    },
  );
}
