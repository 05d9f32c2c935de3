import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { disposeScreeningHits, rescreenOpenLeads } from '../../app/screening-disposition.use-case.ts';
import type { ServiceContext } from '../../app/service-context.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

export function registerScreeningRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/leads/:id/screening/dispositions',
    {
      config: { roles: ['compliance'] },
      schema: {
        tags: ['screening'],
        summary: 'Compliance disposes every potential match as true match or false positive, with a reason; the lead is then cleared and routed, or stays blocked',
        params: z.object({ id: z.string().min(1).max(128) }),
        body: z.strictObject({
          dispositions: z
            .array(z.strictObject({ listId: z.string().min(1).max(200), entryId: z.string().min(1).max(200), verdict: z.enum(['true_match', 'false_positive']), reason: z.string().trim().min(3).max(4000) }))
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
  r.get('/v1/screening/lists', { config: { roles: ['admin', 'compliance', 'ops'] }, schema: { tags: ['screening'], summary: 'Loaded list versions (source, hash, entry count, loaded at)' } }, () => ({
    lists: ctx.screening?.versions() ?? [],
  }));
  r.post(
    '/v1/screening/lists::reload',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: {
        tags: ['screening'],
        summary: 'Reload lists while serving (all loaded ones, or the given [type:]paths); a malformed file is reported with its line and the previous version stays',
        body: z.strictObject({ lists: z.array(z.string().min(1).max(1000)).max(50).optional() }).default({}),
      },
    },
    async (request, reply) => {
      if (!ctx.screening) return sendError(reply, 'CONFLICT', 'screening is not configured (no lists loaded at start)');
      const specs = request.body.lists ?? ctx.screening.versions().map((v) => `${v.sourceType}:${v.files[0]}`);
      const results = specs.map((spec) => ({ spec, result: ctx.screening!.reload(spec) }));
      const failed = results.filter((x) => !x.result.ok);
      if (failed.length > 0) {
        return sendError(
          reply,
          'INPUT_UNREADABLE',
          `${failed.length} list(s) could not be loaded; the previous versions stay active`,
          failed.map((f) => {
            const e = (f.result as { error: { file: string; line?: number | undefined; detail: string } }).error;
            return { path: f.spec, file: e.file, message: `${e.line !== undefined ? `line ${e.line}: ` : ''}${e.detail}` };
          }),
        );
      }
      return { lists: ctx.screening.versions() };
    },
  );
  r.post('/v1/screening::rescreen', { config: { roles: ['admin', 'compliance'] }, schema: { tags: ['screening'], summary: 'Re-screen open leads against the current list versions' } }, async (request) =>
    rescreenOpenLeads(ctx, principalOf(request)),
  );
}
