import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { redriveNotification } from '../../app/notifications/notification-redrive.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import type { NotificationRecord } from '../../store/ports/notifications.port.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';

/** A row as the API shows it: the event body stays out (the lead is named by the event; fetch the lead for more). */
const view = ({ payloadJson: _payload, ...n }: NotificationRecord) => n;

/** Notification deliveries (docs/notifications.md): the dead-letter list and redrive, for ops and admins. */
export function registerNotificationRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/notifications',
    {
      config: { roles: ['admin', 'ops'] },
      schema: {
        tags: ['notifications'],
        summary: 'Notification deliveries, oldest first, e.g. ?status=DEAD for the dead-letter queue',
        querystring: z.object({
          status: z.enum(['PENDING', 'SENT', 'DEAD']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
    },
    async (request) => {
      const { status, limit } = request.query;
      return { notifications: (await ctx.store.notifications.list({ ...(status ? { status } : {}), limit })).map(view) };
    },
  );
  r.post(
    '/v1/notifications/:id/redrive',
    {
      config: { roles: ['admin', 'ops'] },
      schema: {
        tags: ['notifications'],
        summary: 'Send a dead-lettered notification again; audited',
        params: z.object({ id: z.string().max(128) }),
      },
    },
    async (request, reply) => {
      const done = await redriveNotification(ctx, principalOf(request), request.params.id);
      return done.ok ? reply.send(view(done.value)) : sendFailure(reply, done.error);
    },
  );
}
