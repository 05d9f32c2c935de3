import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { deliveryPage } from '../../app/queries/cursor-pages.ts';
import { subscribeWebhook, unsubscribeWebhook } from '../../app/webhooks/webhook-subscriptions.ts';
import { principalOf } from '../auth.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { sendError, sendFailure } from '../reply-error.ts';

export const WEBHOOK_EVENTS = [
  'lead.assigned',
  'lead.refused',
  'lead.held',
  'lead.queued',
  'lead.nurture',
  'lead.duplicate',
  'review.decided',
  // Events people are told about (docs/notifications.md); webhooks may subscribe to them too.
  'lead.sla_warning',
  'lead.sla_breached',
  'lead.escalated',
  'lead.sla_exhausted',
  'licence.expiring',
  'roster.overloaded',
  'screening.lists_stale',
  'audit.verify_failed',
] as const;

export function registerWebhookRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/webhooks',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events; the signing secret is returned once',
        body: z.strictObject({
          url: z.url({ protocol: /^https?$/ }).max(2000),
          events: z.array(z.enum([...WEBHOOK_EVENTS, '*'])).min(1),
          secret: z.string().min(16).max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      const subscribed = await subscribeWebhook(ctx, principalOf(request), request.body);
      if (!subscribed.ok) return sendFailure(reply, subscribed.error);
      const { record, secret } = subscribed.value;
      return reply.code(201).send({ subscription: { ...record, secret: undefined }, secret });
    },
  );
  r.delete(
    '/v1/webhooks/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Remove a subscription: nothing more is sent to it (its deliveries stay on record); audited',
        params: z.object({ id: z.string().min(1).max(128) }),
      },
    },
    async (request, reply) => {
      const removed = await unsubscribeWebhook(ctx, principalOf(request), request.params.id);
      if (!removed.ok) return sendFailure(reply, removed.error);
      return { subscription: { ...removed.value, secret: undefined } };
    },
  );
  r.get(
    '/v1/webhooks',
    { config: { roles: ['admin', 'ops'] }, schema: { tags: ['webhooks'], summary: 'Subscriptions (without secrets)' } },
    async () => ({
      subscriptions: (await ctx.store.outbox.listSubscriptions()).map(({ secret: _secret, ...s }) => s),
    }),
  );
  r.get(
    '/v1/webhooks/deliveries',
    {
      config: { roles: ['admin', 'ops'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Deliveries, e.g. ?status=DEAD for the dead-letter queue',
        querystring: z.object({
          status: z.enum(['PENDING', 'DELIVERED', 'DEAD']).optional(),
          cursor: z.string().max(128).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
    },
    async (request, reply) => {
      const page = await deliveryPage(ctx.store, request.query);
      return page.ok ? page.value : sendFailure(reply, page.error);
    },
  );
  r.post(
    '/v1/webhooks/deliveries/:id/redrive',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags: ['webhooks'], summary: 'Send a dead-lettered delivery again', params: z.object({ id: z.string().max(128) }) },
    },
    async (request, reply) => {
      const ok = await ctx.store.outbox.redrive(request.params.id, toIso(ctx.clock.now()));
      return ok
        ? reply.send({ redriven: request.params.id })
        : sendError(reply, 'CONFLICT', `delivery ${request.params.id} is not dead-lettered (or does not exist)`);
    },
  );
}
