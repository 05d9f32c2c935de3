import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { approveReview, rejectReview, requestException } from '../../app/review/review.use-case.ts';
import { latestScreeningView } from '../../app/screening/screening-view.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { reviewPage, reviewPageCsv } from '../../app/queries/cursor-pages.ts';
import type { Decision } from '../../domain/decision/decision.ts';
import { principalOf } from '../auth.ts';
import { FormatQuery, sendCsv } from '../csv-reply.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const Id = z.string().min(1).max(128);

export function registerReviewRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerReviewQueue(app, ctx);
  registerReviewDetail(app, ctx);
  registerReviewApproval(app, ctx);
  registerReviewRejection(app, ctx);
  registerExceptionRequest(app, ctx);
}

/** GET /v1/review — the review queue. */
function registerReviewQueue(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/review',
    {
      config: { roles: ['compliance', 'ops', 'admin'] },
      schema: {
        tags: ['review'],
        summary: 'The compliance review queue: refused, held and exception leads (oldest first)',
        querystring: z.object({
          status: z.enum(['OPEN', 'APPROVED', 'REJECTED']).default('OPEN'),
          cursor: Id.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          format: FormatQuery.describe('json (default) or csv: this page as a CSV download; the next cursor in x-remit-next-cursor'),
        }),
      },
    },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      const page = await reviewPage(ctx.store, filter);
      if (!page.ok) return sendFailure(reply, page.error);
      if (format === 'json') return page.value;
      const { header, rows } = reviewPageCsv(page.value);
      if (page.value.nextCursor) reply.header('x-remit-next-cursor', page.value.nextCursor);
      return sendCsv(reply, 'review-queue', header, rows);
    },
  );
}

/** GET /v1/review/:id — one review with its lead, decision and screening. */
function registerReviewDetail(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/review/:id',
    {
      config: { roles: ['compliance', 'ops', 'admin'] },
      schema: {
        tags: ['review'],
        summary: 'One review with the lead and the eligibility of every candidate',
        params: z.object({ id: Id }),
      },
    },
    async (request, reply) => {
      const review = await ctx.store.reviews.get(request.params.id);
      if (!review) return sendError(reply, 'NOT_FOUND', `no review ${request.params.id}`);
      const lead = await ctx.store.leads.get(review.leadId);
      const decisions = await ctx.store.decisions.listForLead(review.leadId);
      const decision = decisions.length > 0 ? (JSON.parse(decisions.at(-1)!.documentJson) as Decision) : null;
      const screening = await latestScreeningView(ctx.store, review.leadId);
      return {
        review,
        lead: lead
          ? { id: lead.id, status: lead.status, teamId: lead.teamId, repId: lead.repId, lead: JSON.parse(lead.leadJson) as unknown }
          : null,
        decision,
        screening,
        resolution: review.resolutionJson ? (JSON.parse(review.resolutionJson) as unknown) : null,
      };
    },
  );
}

/** POST /v1/review/:id/approve. */
function registerReviewApproval(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/review/:id/approve',
    {
      config: { roles: ['compliance'] },
      schema: {
        tags: ['review'],
        summary:
          'Approve a named assignment; eligibility is re-run and returned; an ineligible one needs a justification and is flagged as an ' +
          'override',
        params: z.object({ id: Id }),
        body: z.strictObject({ teamId: Id, repId: Id, justification: z.string().max(4000).optional() }),
      },
    },
    async (request, reply) => {
      const result = await approveReview(ctx, principalOf(request), request.params.id, request.body);
      return result.ok ? reply.send(result.value) : sendFailure(reply, result.error);
    },
  );
}

/** POST /v1/review/:id/reject. */
function registerReviewRejection(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/review/:id/reject',
    {
      config: { roles: ['compliance'] },
      schema: {
        tags: ['review'],
        summary: 'Reject with a reason',
        params: z.object({ id: Id }),
        body: z.strictObject({ reason: z.string().trim().min(3).max(4000) }),
      },
    },
    async (request, reply) => {
      const result = await rejectReview(ctx, principalOf(request), request.params.id, request.body.reason);
      return result.ok ? reply.send({ review: result.value }) : sendFailure(reply, result.error);
    },
  );
}

/** POST /v1/leads/:id/exceptions — ask compliance for an exception. */
function registerExceptionRequest(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/leads/:id/exceptions',
    {
      config: { roles: ['ops', 'admin', 'compliance'] },
      schema: {
        tags: ['review'],
        summary: 'Ask compliance for an exception on a lead (the requester may not approve it)',
        params: z.object({ id: Id }),
        body: z.strictObject({ reason: z.string().trim().min(3).max(4000), teamId: Id.optional(), repId: Id.optional() }),
      },
    },
    async (request, reply) => {
      const result = await requestException(ctx, principalOf(request), request.params.id, request.body);
      return result.ok ? reply.code(201).send({ review: result.value }) : sendFailure(reply, result.error);
    },
  );
}
