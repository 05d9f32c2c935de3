import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiKey, publicKeyView, revokeApiKey } from '../../app/access/api-keys.ts';
import { createPerson, publicUserView, updatePerson } from '../../app/access/people.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { PERSON_ROLES, ROLES } from '../../domain/access/roles.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const PersonRoleSchema = z.enum(PERSON_ROLES as ['admin', 'ops', 'compliance', 'rep', 'integration-owner']);
const Email = z.email().max(320);
const IdParams = z.object({ id: z.string().min(1).max(128) });

const CreateUserBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: Email,
  roles: z.array(PersonRoleSchema).min(1).max(PERSON_ROLES.length),
  repId: z.string().min(1).max(128).optional().describe('Required with the rep role: the rep in the org this person is.'),
});

const PatchUserBody = z
  .strictObject({
    version: z.number().int().min(1).describe('The version you read (GET): a concurrent change answers 409 with the current record.'),
    name: z.string().trim().min(1).max(200).optional(),
    email: Email.optional(),
    status: z.enum(['active', 'suspended', 'left']).optional(),
    roles: z.array(PersonRoleSchema).max(PERSON_ROLES.length).optional(),
    repId: z.string().min(1).max(128).nullable().optional(),
    reason: z.string().trim().min(1).max(2000).optional().describe('Why (kept in the audit trail).'),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'version' && k !== 'reason'), { message: 'nothing to change' });

const CreateKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  role: z
    .enum(ROLES as ['admin', 'ops', 'compliance', 'rep', 'integration'])
    .describe('One role the person holds (integration: integration-owner).'),
});

/** People (docs/access.md): admins manage them; anyone may create or revoke keys for themselves. */
export function registerUserRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/users',
    { config: { roles: ['admin'] }, schema: { tags: ['users'], summary: 'Create a person', body: CreateUserBody } },
    async (request, reply) => {
      const created = await createPerson(ctx, principalOf(request), request.body);
      if (!created.ok) return sendFailure(reply, created.error);
      return reply.code(201).send(publicUserView(created.value));
    },
  );
  r.get(
    '/v1/users',
    { config: { roles: ['admin', 'compliance'] }, schema: { tags: ['users'], summary: 'Every person, oldest first' } },
    async () => ({
      users: (await ctx.store.users.list()).map(publicUserView),
    }),
  );
  r.get(
    '/v1/users/:id',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: { tags: ['users'], summary: 'One person with their role-grant history and keys', params: IdParams },
    },
    async (request, reply) => {
      const user = await ctx.store.users.get(request.params.id);
      if (!user) return sendError(reply, 'NOT_FOUND', `no person ${request.params.id}`);
      const keys = (await ctx.store.apiKeys.list()).filter((k) => k.userId === user.id).map(publicKeyView);
      return { ...publicUserView(user), grants: await ctx.store.users.grants(user.id), keys };
    },
  );
  r.patch(
    '/v1/users/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['users'],
        summary: 'Change a person (status, roles, name, e-mail, rep link)',
        params: IdParams,
        body: PatchUserBody,
      },
    },
    async (request, reply) => {
      const { version, ...patch } = request.body;
      const updated = await updatePerson(ctx, principalOf(request), request.params.id, version, patch);
      if (!updated.ok) return sendFailure(reply, updated.error);
      return publicUserView(updated.value);
    },
  );
  registerPersonKeyRoutes(app, ctx);
}

/** A person's own keys: anyone signed in may mint or revoke theirs; admins anyone's. */
function registerPersonKeyRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/users/:id/keys',
    {
      config: { roles: ['admin', 'ops', 'compliance', 'rep'] },
      schema: {
        tags: ['users'],
        summary: 'Create an API key for a person (admins: anyone; others: themselves); the token is shown once',
        params: IdParams,
        body: CreateKeyBody,
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      if (request.params.id !== caller.userId && !caller.roles.includes('admin'))
        return sendError(reply, 'NOT_FOUND', `no person ${request.params.id} you may create keys for (only admins create keys for others)`);
      const created = await createApiKey(ctx, { userId: request.params.id, ...request.body, createdBy: caller.userId });
      if (!created.ok) return sendFailure(reply, created.error);
      return reply.code(201).send({ key: publicKeyView(created.value.record), token: created.value.token });
    },
  );
  r.delete(
    '/v1/users/:id/keys/:keyId',
    {
      config: { roles: ['admin', 'ops', 'compliance', 'rep'] },
      schema: {
        tags: ['users'],
        summary: 'Revoke one of a person’s keys (admins: anyone’s; others: their own)',
        params: z.object({ id: z.string().min(1).max(128), keyId: z.string().min(1).max(128) }),
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      if (request.params.id !== caller.userId && !caller.roles.includes('admin'))
        return sendError(reply, 'NOT_FOUND', `no key ${request.params.keyId} of yours (only admins revoke others' keys)`);
      const key = (await ctx.store.apiKeys.list()).find((k) => k.id === request.params.keyId && k.userId === request.params.id);
      if (!key || !(await revokeApiKey(ctx, key.id, caller.userId)))
        return sendError(reply, 'NOT_FOUND', `no active key ${request.params.keyId} of ${request.params.id}`);
      return reply.code(204).send();
    },
  );
}
