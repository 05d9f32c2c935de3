import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { importAccounts } from '../../app/intake/import-accounts.use-case.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';

const AccountSchema = z.strictObject({
  id: z.string().min(1).max(128),
  name: z.string().trim().min(1).max(300),
  domains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a domain such as acme.com'),
    )
    .max(50)
    .default([]),
  ownerRep: z.string().min(1).max(128).nullable().default(null),
  tier: z.string().max(64).nullable().default(null),
  parentId: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('The parent account (in this import or already stored); an account without an owner routes to its nearest owned ancestor.'),
});

export function registerAccountRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/accounts::import',
    {
      config: { roles: ['ops', 'admin'], invalidCode: 'ACCOUNTS_INVALID' },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['accounts'],
        summary: 'Import accounts and their owners (insert or replace by id)',
        body: z.strictObject({ accounts: z.array(AccountSchema).min(1).max(10_000) }),
      },
    },
    async (request, reply) => {
      const result = await importAccounts(ctx, principalOf(request), request.body.accounts);
      return result.ok ? result.value : sendFailure(reply, result.error);
    },
  );
  r.get(
    '/v1/accounts',
    { config: { roles: ['ops', 'admin', 'compliance'] }, schema: { tags: ['accounts'], summary: 'All accounts' } },
    async () => ({ accounts: await ctx.store.accounts.list() }),
  );
}
