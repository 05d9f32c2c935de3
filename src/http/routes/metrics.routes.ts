import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { speedToLead, speedToLeadCsv } from '../../app/queries/speed-to-lead.query.ts';
import { FormatQuery, sendCsv } from '../csv-reply.ts';

const Instant = z.iso.datetime({ offset: true });

export function registerMetricsRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/metrics/speed-to-lead',
    {
      config: { roles: ['admin', 'ops', 'compliance'] },
      schema: {
        tags: ['metrics'],
        summary:
          'Speed to lead (O1): capture→assignment and assignment→first contact per lead, per rep and per team (count, p50, p90, max in ' +
          'ms) with SLA breach counts',
        querystring: z.object({
          from: Instant.optional().describe('leads received at or after'),
          to: Instant.optional().describe('leads received before'),
          teamId: z.string().max(128).optional().describe("the lead's current team"),
          repId: z.string().max(128).optional().describe("the lead's current rep"),
          format: FormatQuery,
        }),
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const report = await speedToLead(ctx.store, {
        ...q,
        from: q.from ? new Date(q.from).toISOString() : undefined,
        to: q.to ? new Date(q.to).toISOString() : undefined,
      });
      if (format === 'json') return report;
      const { header, rows } = speedToLeadCsv(report);
      return sendCsv(reply, 'speed-to-lead', header, rows);
    },
  );
}
