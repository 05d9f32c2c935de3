import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicKeyView, revokeApiKey } from '../../app/access/api-keys.ts';
import { createPersonWithKey } from '../../app/access/people.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { ROLES } from '../../domain/access/roles.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const CreateKeyBody = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.enum(ROLES as ['admin', 'ops', 'compliance', 'rep', 'integration']),
  repId: z.string().min(1).max(128).optional().describe('Required for role rep: the rep this key acts as.'),
});

/**
 * API keys (docs/access.md). `POST /v1/keys` is the one-role shorthand: it creates a person holding
 * that role (created by the caller, so segregation of duties knows who made them) and their key.
 * Keys for an existing person: `POST /v1/users/:id/keys`.
 */
export function registerKeyRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/keys',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['keys'],
        summary: 'Create a person holding one role, with an API key (the token is shown once)',
        body: CreateKeyBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.role === 'rep' && (!body.repId || !ctx.orgs.current.repsById.has(body.repId))) {
        return sendError(reply, 'ARGUMENT_INVALID', 'a rep key needs the id of a rep in the current org', [
          { path: '/body/repId', message: body.repId ? `unknown rep ${body.repId}` : 'required for role rep' },
        ]);
      }
      const created = await createPersonWithKey(ctx, principalOf(request), { name: body.name, role: body.role, repId: body.repId ?? null });
      if (!created.ok) return sendFailure(reply, created.error);
      return reply.code(201).send({ key: publicKeyView(created.value.record), token: created.value.token });
    },
  );
  r.get(
    '/v1/keys',
    { config: { roles: ['admin'] }, schema: { tags: ['keys'], summary: 'List API keys (never their secrets)' } },
    async () => ({
      keys: (await ctx.store.apiKeys.list()).map(publicKeyView),
    }),
  );
  r.delete(
    '/v1/keys/:id',
    {
      config: { roles: ['admin'] },
      schema: { tags: ['keys'], summary: 'Revoke an API key', params: z.object({ id: z.string().max(128) }) },
    },
    async (request, reply) => {
      const revoked = await revokeApiKey(ctx, request.params.id, principalOf(request).userId);
      return revoked ? reply.code(204).send() : sendError(reply, 'NOT_FOUND', `no active key ${request.params.id}`);
    },
  );
}
