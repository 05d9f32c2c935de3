import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCrmSource, receiveCrmWebhook, type CrmKind } from '../../app/sources/receive-crm-webhook.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const MAX_WEBHOOK_BYTES = 512 * 1024;

const SUMMARY: Readonly<Record<CrmKind, string>> = {
  hubspot:
    'HubSpot-style form-submission webhook, or a Webhooks API v3 event batch (deal.propertyChange: closed deals become lead ' +
    'outcomes), verified with X-HubSpot-Signature-v3 (HMAC-SHA256 of method + URI + body + timestamp, base64; timestamps ' +
    'older than 5 minutes are refused)',
  salesforce:
    'Salesforce-style Lead object, or a closed Opportunity (a lead outcome), as JSON a Flow / platform-event callout sends, ' +
    'verified with Remit-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">',
};

/**
 * Inbound CRM / marketing webhooks (docs/sources.md). Public (no API key): the source's signature is the
 * authentication, computed over the exact raw body, so this plugin keeps JSON bodies as text.
 * Idempotent on `<sourceId>:<eventId>`: a redelivery answers with the first result (Idempotent-Replayed: true).
 */
export async function registerCrmSourceRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_WEBHOOK_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    for (const kind of ['hubspot', 'salesforce'] as const) {
      r.post(
        `/v1/sources/${kind}/:sourceId`,
        {
          bodyLimit: MAX_WEBHOOK_BYTES,
          schema: {
            tags: ['sources'],
            summary: SUMMARY[kind],
            description: 'See docs/sources.md for payloads, mapping and signing.',
            security: [],
            params: z.object({ sourceId: z.string().max(64) }),
          },
        },
        async (request: FastifyRequest<{ Params: { sourceId: string } }>, reply: FastifyReply) => {
          const source = findCrmSource(ctx, kind, request.params.sourceId);
          if (!source) return sendError(reply, 'NOT_FOUND', `no ${kind} source ${JSON.stringify(request.params.sourceId)}`);
          const rawBody = typeof request.body === 'string' ? request.body : '';
          const uri = source.publicUrl ?? `${request.protocol}://${request.host}${request.url}`;
          const started = performance.now();
          const webhook = { method: request.method, uri, rawBody, headers: request.headers };
          const result = await receiveCrmWebhook(ctx, source, webhook, undefined, (leads) =>
            app.intakeLimiter.admit({ kind: 'source', id: source.id }, leads),
          );
          if (!result.ok) {
            if (result.error.code === 'SIGNATURE_INVALID') request.log.warn({ source: source.id, ip: request.ip }, result.error.message);
            return sendFailure(reply, result.error);
          }
          const accepted = result.value;
          if (accepted.kind === 'outcomes') {
            // Each event counted by what became of it (a rising "unmatched" count is a CRM record link to fix).
            for (const e of accepted.body.events) ctx.metrics.crmOutcomeEvents.inc({ source: source.id, status: e.status });
            return reply.code(accepted.statusCode).send(accepted.body);
          }
          // Counted once taken in (a refused signature or payload is not a lead: the warn line above covers it).
          ctx.metrics.leadIngested(`${kind}:${source.id}`, { ok: true, value: accepted }, (performance.now() - started) / 1000);
          if (accepted.replayed) reply.header('idempotent-replayed', 'true');
          return reply.code(accepted.statusCode).send(accepted.body);
        },
      );
    }
  });
}
