import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { createOrgDraft } from '../../app/routing/org-drafts.use-case.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const READERS = ['admin', 'ops', 'compliance'] as const;

export function registerOrgRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/org',
    { config: { roles: READERS }, schema: { tags: ['org'], summary: 'The org/rule version leads route against now' } },
    () => {
      const org = ctx.orgs.current;
      return {
        version: org.version,
        hash: org.hash,
        teams: org.teams.length,
        reps: org.repsById.size,
        licences: org.config.licences.length,
        rules: org.rules.length,
        config: org.config,
      };
    },
  );
  r.get(
    '/v1/org/versions',
    {
      config: { roles: READERS },
      schema: {
        tags: ['org'],
        summary:
          'Every published version, oldest first (who published it, when and why), and every activation (who put which in force, why)',
      },
    },
    () => versionHistory(ctx),
  );
  r.get(
    '/v1/org/versions/:hash',
    {
      config: { roles: READERS },
      schema: { tags: ['org'], summary: 'One published version with its config', params: z.object({ hash: z.string().max(80) }) },
    },
    async (request, reply) => {
      const v = await ctx.store.orgVersions.getByHash(request.params.hash);
      if (!v) return sendError(reply, 'NOT_FOUND', `no org version ${request.params.hash}`);
      return { hash: v.hash, version: v.version, createdAt: v.createdAt, createdBy: v.createdBy, config: JSON.parse(v.configJson) };
    },
  );
  r.post(
    '/v1/org/versions',
    {
      config: { roles: ['admin'] },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['org'],
        summary:
          'Publish a new org/rule version (validated; every problem listed). A roster edit applies at once; any other change ' +
          'answers 202 with a draft waiting for a second person (POST /v1/org/drafts/{id}/approve)',
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (request, reply) => {
      // The same maker-checker policy as POST /v1/org/drafts: only a roster edit publishes here at once.
      const made = await createOrgDraft(ctx, principalOf(request), { config: request.body });
      if (!made.ok) return sendFailure(reply, made.error);
      const { draft, published } = made.value;
      if (!published) return reply.code(202).send({ status: draft.status, draft });
      return reply.code(published.created ? 201 : 200).send({ ...published, draftId: draft.id });
    },
  );
}

/** Every version with who, when and why (the reason it was first put in force; roster changes always give one), and every activation. */
async function versionHistory(ctx: ServiceContext) {
  const activations = await ctx.store.orgVersions.activations();
  const firstReason = new Map<string, string | null>();
  for (const a of activations) if (!firstReason.has(a.hash)) firstReason.set(a.hash, a.reason ?? null);
  return {
    current: ctx.orgs.current.hash,
    versions: (await ctx.store.orgVersions.list()).map((v) => ({
      hash: v.hash,
      version: v.version,
      createdAt: v.createdAt,
      createdBy: v.createdBy,
      reason: firstReason.get(v.hash) ?? null,
    })),
    activations: activations.map((a) => ({
      hash: a.hash,
      activatedAt: a.activatedAt,
      activatedBy: a.activatedBy,
      reason: a.reason ?? null,
    })),
  };
}
