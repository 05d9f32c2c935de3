import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listInbox, markAllInboxRead, markInboxRead } from '../../app/notifications/notification-inbox.ts';
import { NotificationPreferencesSchema } from '../../app/notifications/notification-preferences-schema.ts';
import { getNotificationPreferences, setNotificationPreferences } from '../../app/notifications/notification-preferences.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';

const EVERYONE = ['admin', 'ops', 'compliance', 'rep'] as const;

/** Every person's own notification preferences and console inbox (docs/notifications.md); nobody sees another's. */
export function registerMyNotificationRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.put(
    '/v1/me/notifications',
    {
      config: { roles: [...EVERYONE] },
      schema: {
        tags: ['notifications'],
        summary:
          'My notification preferences, e.g. {"email": {"assignment": false}, "slack": {"webhookUrl": "https://hooks.slack.com/…"}}; ' +
          'also quietHours and digest; replaces what was stored; a switch left out stays on; audited (URLs masked)',
        body: NotificationPreferencesSchema,
      },
    },
    async (request, reply) => {
      const done = await setNotificationPreferences(ctx, principalOf(request), request.body);
      return done.ok ? reply.send(done.value) : sendFailure(reply, done.error);
    },
  );
  r.get(
    '/v1/me/notifications',
    {
      config: { roles: [...EVERYONE] },
      schema: { tags: ['notifications'], summary: 'My notification preferences as stored (defaults when none); webhook URLs masked' },
    },
    async (request) => getNotificationPreferences(ctx, principalOf(request)),
  );
  r.get(
    '/v1/me/inbox',
    {
      config: { roles: [...EVERYONE] },
      schema: {
        tags: ['notifications'],
        summary: 'My console inbox, newest first, with the unread count; ?cursor=<nextCursor> for older messages',
        querystring: z.object({
          cursor: z.string().max(128).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
    },
    async (request, reply) => {
      const page = await listInbox(ctx, principalOf(request), request.query);
      return page.ok ? reply.send(page.value) : sendFailure(reply, page.error);
    },
  );
  r.post(
    '/v1/me/inbox/read-all',
    { config: { roles: [...EVERYONE] }, schema: { tags: ['notifications'], summary: 'Mark all my inbox messages read' } },
    async (request) => markAllInboxRead(ctx, principalOf(request)),
  );
  r.post(
    '/v1/me/inbox/:id/read',
    {
      config: { roles: [...EVERYONE] },
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of my inbox messages read (404 for anyone else’s)',
        params: z.object({ id: z.string().max(128) }),
      },
    },
    async (request, reply) => {
      const done = await markInboxRead(ctx, principalOf(request), request.params.id);
      return done.ok ? reply.send(done.value) : sendFailure(reply, done.error);
    },
  );
}
