import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { approveOrgDraft, rejectOrgDraft } from '../../app/routing/org-draft-decision.use-case.ts';
import { createOrgDraft, getOrgDraft, listOrgDrafts } from '../../app/routing/org-drafts.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';

const READERS = ['admin', 'ops', 'compliance'] as const;
const DraftId = z.object({ id: z.string().min(1).max(128) });

/** Maker-checker for org versions (docs/access.md): drafts, their diff and simulation, approval and rejection. */
export function registerOrgDraftRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerDraftCreate(app, ctx);
  registerDraftReads(app, ctx);
  registerDraftDecisions(app, ctx);
}

function registerDraftCreate(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/org/drafts',
    {
      config: { roles: ['admin'] },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['org'],
        summary:
          'Ask to publish an org/rule config: validated (every problem listed), diffed against the version in force and simulated. ' +
          'A roster edit publishes at once (201, status published); anything else waits for a second person (202, pending_approval)',
        body: z.strictObject({
          config: z.record(z.string(), z.unknown()).describe('The full org config (docs/remit-config.schema.json).'),
          reason: z.string().trim().min(1).max(2000).optional().describe('Why: shown to the checker and audited.'),
        }),
      },
    },
    async (request, reply) => {
      const made = await createOrgDraft(ctx, principalOf(request), request.body);
      if (!made.ok) return sendFailure(reply, made.error);
      return reply.code(made.value.published ? 201 : 202).send(made.value);
    },
  );
}

function registerDraftReads(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/org/drafts',
    {
      config: { roles: READERS },
      schema: {
        tags: ['org'],
        summary: 'Draft org versions, newest first (status filter: pending_approval, published, rejected)',
        querystring: z.strictObject({
          status: z.enum(['pending_approval', 'published', 'rejected']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (request) => ({ drafts: await listOrgDrafts(ctx, request.query) }),
  );
  r.get(
    '/v1/org/drafts/:id',
    {
      config: { roles: READERS },
      schema: { tags: ['org'], summary: 'One draft with its per-entity diff and simulation summary', params: DraftId },
    },
    async (request, reply) => {
      const found = await getOrgDraft(ctx, request.params.id);
      return found.ok ? found.value : sendFailure(reply, found.error);
    },
  );
}

function registerDraftDecisions(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/org/drafts/:id/approve',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: {
        tags: ['org'],
        summary:
          'A second, independent person holding an approver role (access.makerChecker.approverRoles of the version in force) ' +
          'publishes a pending draft; 409 if another version was put in force since it was made',
        params: DraftId,
      },
    },
    async (request, reply) => {
      const approved = await approveOrgDraft(ctx, principalOf(request), request.params.id);
      return approved.ok ? reply.code(201).send(approved.value) : sendFailure(reply, approved.error);
    },
  );
  r.post(
    '/v1/org/drafts/:id/reject',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: {
        tags: ['org'],
        summary: 'Reject a pending draft with a reason (an approver, or the maker withdrawing it); nothing is published',
        params: DraftId,
        body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
      },
    },
    async (request, reply) => {
      const rejected = await rejectOrgDraft(ctx, principalOf(request), request.params.id, request.body.reason);
      return rejected.ok ? rejected.value : sendFailure(reply, rejected.error);
    },
  );
}
