import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fairnessCsv, fairnessLedger, licenceMatrix, refusalsByReason, repLicences } from '../../app/queries/console-queries.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { FormatQuery, sendCsv } from '../csv-reply.ts';
import { sendError } from '../reply-error.ts';

const ANALYSTS = ['admin', 'ops', 'compliance'] as const;
const Horizon = z.coerce.number().int().min(0).max(3650).default(30).describe('expiring-soon horizon, days');
const At = z.iso.datetime({ offset: true }).optional().describe('evaluate at this instant (default: now)');

/** Thin read endpoints for the web console (docs/console.md): licence matrix, fairness ledger, refusals by reason. */
export function registerConsoleRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const at = (iso: string | undefined) => (iso ? Date.parse(iso) : ctx.clock.now());
  r.get(
    '/v1/licences/matrix',
    {
      config: { roles: ANALYSTS },
      schema: {
        tags: ['console'],
        summary:
          'Licence matrix of the current org: teams × jurisdictions × product lines (firm + individual grants), with grants expiring ' +
          'within the horizon and expired ones',
        querystring: z.object({ horizonDays: Horizon, at: At }),
      },
    },
    (request) => licenceMatrix(ctx.orgs.current, at(request.query.at), request.query.horizonDays),
  );
  r.get(
    '/v1/reps/:repId/licences',
    {
      config: { roles: ANALYSTS },
      schema: {
        tags: ['console'],
        summary: "A rep's individual grants and carrier appointments with their state, and the firm grants their team works under",
        params: z.object({ repId: z.string().min(1).max(128) }),
        querystring: z.object({ horizonDays: Horizon, at: At }),
      },
    },
    (request, reply) =>
      repLicences(ctx.orgs.current, request.params.repId, at(request.query.at), request.query.horizonDays) ??
      sendError(reply, 'NOT_FOUND', `no rep ${request.params.repId} in the current org`),
  );
  r.get(
    '/v1/metrics/fairness',
    {
      config: { roles: ANALYSTS },
      schema: {
        tags: ['metrics'],
        summary:
          'Fairness ledger (docs/console.md): per round-robin pool and per rep, leads assigned against the weighted target, with ' +
          'open/today loads',
        querystring: z.object({ format: FormatQuery }),
      },
    },
    async (request, reply) => {
      const ledger = fairnessLedger(ctx.orgs.current, await ctx.store.routingState.snapshot());
      if (request.query.format === 'json') return ledger;
      const { header, rows } = fairnessCsv(ledger);
      return sendCsv(reply, 'fairness', header, rows);
    },
  );
  r.get(
    '/v1/metrics/refusals',
    {
      config: { roles: ANALYSTS },
      schema: {
        tags: ['metrics'],
        summary: 'REFUSED and HELD decisions by reason code over time (UTC buckets)',
        querystring: z.object({
          from: z.iso.datetime({ offset: true }).optional().describe('decided at or after'),
          to: z.iso.datetime({ offset: true }).optional().describe('decided before'),
          bucket: z.enum(['hour', 'day', 'week']).default('day'),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const [refused, held] = await Promise.all([
        ctx.store.decisions.list({ outcome: 'REFUSED' }),
        ctx.store.decisions.list({ outcome: 'HELD' }),
      ]);
      const iso = (s: string | undefined) => (s ? new Date(s).toISOString() : undefined);
      return refusalsByReason([...refused, ...held], { from: iso(q.from), to: iso(q.to), bucket: q.bucket });
    },
  );
}
