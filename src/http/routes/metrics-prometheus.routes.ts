import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../app/shared/service-context.ts';

/**
 * GET /metrics: Prometheus text exposition (docs/operations.md "Metrics"). Not public: queue depth
 * and backlog are operational detail. Admin and ops keys may read it, and so may Prometheus with the
 * REMIT_METRICS_TOKEN bearer (`authorization.credentials` in a scrape config), which opens nothing else.
 */
export function registerPrometheusRoute(
  app: FastifyInstance,
  ctx: ServiceContext,
  opts: { readonly token?: string | undefined } = {},
): void {
  app.get(
    '/metrics',
    {
      config: { roles: ['admin', 'ops'], serviceToken: opts.token },
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics (text format 0.0.4): intake, latency, queue, SLA, webhooks, audit sealing and verification, list age',
        description: 'Bearer: an admin or ops API key, or the REMIT_METRICS_TOKEN secret.',
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await ctx.metrics.exposition();
      return reply.type(contentType).send(body);
    },
  );
}
