import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rebuildConversionModel } from '../../app/outcomes/conversion-model-store.ts';
import { personRecorder, recordOutcome } from '../../app/outcomes/record-outcome.use-case.ts';
import { canSee } from '../../app/queries/lead-queries.ts';
import { outcomesReport } from '../../app/queries/outcome-report.query.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { OutcomeInputSchema } from '../../domain/outcomes/outcome-input.ts';
import { OUTCOME_CSV_HEADER, OUTCOME_GROUPINGS, outcomeCsvRows } from '../../domain/outcomes/outcome-report.ts';
import { principalOf } from '../auth.ts';
import { FormatQuery, sendCsv } from '../csv-reply.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const Id = z.string().min(1).max(128);
const Instant = z.iso.datetime({ offset: true });
const LeadParams = z.object({ id: Id });
/** Who works a lead records its outcome: its rep (own leads only), ops and admin. */
const RECORDERS = ['admin', 'ops', 'rep'] as const;

/** Outcome capture and conversion reporting (SPEC O3, docs/outcomes.md). */
export function registerOutcomeRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/leads/:id/outcome',
    {
      config: { roles: RECORDERS },
      schema: {
        tags: ['outcomes'],
        summary:
          "Record the lead's outcome (WON / LOST / DISQUALIFIED, value, reason code, closedAt); attaches to the lead's decision; " +
          'a later one supersedes it (history kept). Bad input is OUTCOME_INVALID per field and records nothing',
        params: LeadParams,
        body: OutcomeInputSchema,
      },
    },
    async (request, reply) => {
      const result = await recordOutcome(ctx, personRecorder(principalOf(request)), request.params.id, request.body);
      // 200 for a replay: the same statement was already current and nothing was written.
      return result.ok ? reply.code(result.value.replayed ? 200 : 201).send(result.value) : sendFailure(reply, result.error);
    },
  );

  r.get(
    '/v1/leads/:id/outcomes',
    {
      config: { roles: [...RECORDERS, 'compliance'] },
      schema: { tags: ['outcomes'], summary: "The lead's outcomes, oldest first; the last is current", params: LeadParams },
    },
    async (request, reply) => {
      const lead = await ctx.store.leads.get(request.params.id);
      if (!lead || !canSee(principalOf(request), lead)) return sendError(reply, 'NOT_FOUND', `no lead ${request.params.id}`);
      return { leadId: lead.id, outcomes: await ctx.store.outcomes.listForLead(lead.id) };
    },
  );

  r.get(
    '/v1/metrics/outcomes',
    {
      config: { roles: ['admin', 'ops', 'compliance'] },
      schema: {
        tags: ['metrics'],
        summary:
          'Conversion (O3) per rep, team, rule, source, segment, strategy or month: leads, outcomes, won, conversion with a Wilson 95 % ' +
          'interval and a small-sample warning (n < 30), time to first contact and to close (p50, p90 ms), won and open value',
        querystring: z.object({
          groupBy: z.enum(OUTCOME_GROUPINGS).default('rep'),
          from: Instant.optional().describe('leads received at or after'),
          to: Instant.optional().describe('leads received before'),
          teamId: Id.optional().describe("the lead's current team"),
          repId: Id.optional().describe("the lead's current rep"),
          format: FormatQuery,
        }),
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const report = await outcomesReport(ctx.store, {
        ...q,
        from: q.from ? new Date(q.from).toISOString() : undefined,
        to: q.to ? new Date(q.to).toISOString() : undefined,
      });
      if (format === 'json') return report;
      return sendCsv(reply, `outcomes-by-${q.groupBy}`, OUTCOME_CSV_HEADER, outcomeCsvRows([...report.groups, report.overall]));
    },
  );
  registerModelRoutes(app, ctx);
}

/** The conversion model outcome-aware routing reads (docs/outcome-routing.md "Snapshots and replay"). */
function registerModelRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/outcomes/model',
    {
      config: { roles: ['admin', 'ops', 'compliance'] },
      schema: {
        tags: ['outcomes'],
        summary:
          'The current conversion model the outcome-aware step reads: its version (what decisions record), the outcome rows it ' +
          'was built from, when, and its won/lost tallies per rep, team and segment; null before the first build',
      },
    },
    async () => {
      const head = await ctx.store.outcomeModels.head();
      if (!head) return { current: null };
      const { version, outcomeRows, builtAt } = head;
      return { current: { version, outcomeRows, builtAt, model: JSON.parse(head.modelJson) as unknown } };
    },
  );

  r.post(
    '/v1/outcomes/model/rebuild',
    {
      config: { roles: ['admin', 'ops'] },
      schema: {
        tags: ['outcomes'],
        summary:
          "Rebuild the conversion model now from every lead's current outcome (the worker does it every REMIT_OUTCOME_MODEL_INTERVAL_MS " +
          'when outcomes changed); returns the version now current and whether it changed',
      },
    },
    async () => rebuildConversionModel(ctx, { force: true }),
  );
}
