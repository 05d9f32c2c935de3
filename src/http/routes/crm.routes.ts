import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { redriveCrmWriteback } from '../../app/crm/crm-writeback-redrive.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { CRM_WRITEBACK_STATUSES, type CrmWritebackRecord } from '../../store/ports/crm-writebacks.port.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';

/** A row as the API shows it: what is written (owner, status, decision, link) parsed, not as JSON text. */
const view = ({ updateJson, ...row }: CrmWritebackRecord) => ({ ...row, update: JSON.parse(updateJson) as unknown });

/** CRM write-backs (docs/crm.md): the list (e.g. the dead-letter queue) and redrive, for ops and admins. */
export function registerCrmRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/crm/writebacks',
    {
      config: { roles: ['admin', 'ops'] },
      schema: {
        tags: ['crm'],
        summary: 'CRM write-backs, oldest first, e.g. ?status=DEAD for the dead-letter queue or ?leadId=… for one lead',
        querystring: z.object({
          status: z.enum(CRM_WRITEBACK_STATUSES as [string, ...string[]]).optional(),
          leadId: z.string().min(1).max(128).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
    },
    async (request) => {
      const { status, leadId, limit } = request.query;
      const filter = { ...(status ? { status: status as CrmWritebackRecord['status'] } : {}), ...(leadId ? { leadId } : {}), limit };
      return { writebacks: (await ctx.store.crmWritebacks.list(filter)).map(view) };
    },
  );
  r.post(
    '/v1/crm/writebacks/:id/redrive',
    {
      config: { roles: ['admin', 'ops'] },
      schema: {
        tags: ['crm'],
        summary: 'Try a dead-lettered CRM write-back again; audited',
        params: z.object({ id: z.string().max(128) }),
      },
    },
    async (request, reply) => {
      const done = await redriveCrmWriteback(ctx, principalOf(request), request.params.id);
      return done.ok ? reply.send(view(done.value)) : sendFailure(reply, done.error);
    },
  );
}
