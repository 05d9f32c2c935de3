import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { simulateDraft } from '../../app/routing/simulate.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { compileConfigObject } from '../../config/load-config.ts';
import { sendError } from '../reply-error.ts';

const MAX_HTTP_SIMULATION = 10_000;

/** O4 over HTTP (for the web console): the same diff as `remit simulate`, for a draft config posted as JSON. Read-only. */
export function registerSimulationRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/simulations',
    {
      config: { roles: ['admin', 'ops'] },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['org'],
        summary:
          'Replay recorded leads against a draft org/rule config and return the diff (team/rep changes, new refusals and holds, ' +
          'fairness shift); nothing is changed',
        body: z.strictObject({
          config: z
            .record(z.string(), z.unknown())
            .describe('The draft org config (same shape as the config files, docs/remit-config.schema.json).'),
          limit: z.number().int().min(1).max(MAX_HTTP_SIMULATION).default(1000),
          since: z.iso.datetime({ offset: true }).optional(),
        }),
      },
    },
    async (request, reply) => {
      const compiled = compileConfigObject(request.body.config, 'config');
      if (!compiled.ok) {
        return sendError(
          reply,
          'CONFIG_INVALID',
          `${compiled.error.length} problem(s) in the draft`,
          compiled.error.map((p) => ({ path: p.path, message: p.message, file: p.file })),
        );
      }
      const since = request.body.since === undefined ? undefined : new Date(request.body.since).toISOString();
      return simulateDraft(ctx.store, compiled.value.org, { limit: request.body.limit, since });
    },
  );
}
