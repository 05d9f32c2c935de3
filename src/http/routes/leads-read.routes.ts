import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { leadDetail, leadPage } from '../../app/queries/lead-queries.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { LEAD_STATUSES } from '../../domain/lead/lead-status.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const READERS = ['admin', 'ops', 'compliance', 'rep'] as const;

export function registerLeadReadRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/leads/:id',
    {
      config: { roles: READERS },
      schema: {
        tags: ['leads'],
        summary: 'A lead with its decision and history (reps: only their own)',
        params: z.object({ id: z.string().min(1).max(128) }),
      },
    },
    async (request, reply) => {
      const detail = await leadDetail(ctx.store, principalOf(request), request.params.id);
      return detail ?? sendError(reply, 'NOT_FOUND', `no lead ${request.params.id}`);
    },
  );
  r.get(
    '/v1/leads',
    {
      config: { roles: READERS },
      schema: {
        tags: ['leads'],
        summary: 'List leads, oldest first, with filters and cursor pagination (reps: only their own)',
        querystring: z.object({
          status: z.enum(LEAD_STATUSES as [string, ...string[]]).optional(),
          repId: z.string().max(128).optional(),
          teamId: z.string().max(128).optional(),
          from: z.iso.datetime({ offset: true }).optional().describe('received at or after'),
          to: z.iso.datetime({ offset: true }).optional().describe('received before'),
          cursor: z.string().max(128).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const from = q.from ? new Date(q.from).toISOString() : undefined;
      const to = q.to ? new Date(q.to).toISOString() : undefined;
      const page = await leadPage(ctx.store, principalOf(request), { ...q, status: q.status as never, from, to });
      return page.ok ? page.value : sendFailure(reply, page.error);
    },
  );
}
