import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import { sendError } from '../reply-error.ts';

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
        summary: 'Publish a new org/rule version (validated; every problem listed); it applies to leads from now on',
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (request, reply) => {
      const published = await ctx.orgs.publish(request.body, principalOf(request).userId);
      if (!published.ok) {
        // Without expectedCurrent a publication cannot conflict; the branch keeps the types honest.
        if (published.error.kind === 'conflict') return sendError(reply, 'CONFLICT', `version ${published.error.current} is in force`);
        const problems = published.error.problems;
        return sendError(
          reply,
          'CONFIG_INVALID',
          `${problems.length} problem(s) in the configuration`,
          problems.map((p) => ({ path: p.path, message: p.message })),
        );
      }
      const { record, created, previousHash } = published.value;
      return reply.code(created ? 201 : 200).send({
        hash: record.hash,
        version: record.version,
        createdAt: record.createdAt,
        createdBy: record.createdBy,
        created,
        previousHash,
      });
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
