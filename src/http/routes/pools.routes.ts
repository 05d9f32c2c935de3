import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { controlPool, getPool, listPools, type PoolControl } from '../../app/routing/pools.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });
const ControlBody = z.strictObject({
  reason: z.string().trim().min(1).max(2000).describe('Why (kept in the audit trail with who and the ledger before and after).'),
});

const CONTROLS: Readonly<Record<PoolControl, string>> = {
  reset: 'Reset a pool ledger to zero (audited)',
  recalibrate: 'Recalibrate a pool ledger: every member level with its weighted target (audited)',
};

/** Round-robin pools (docs/operations.md "Pools"): the ledger for admin, ops and compliance; the controls for admin and ops. */
export function registerPoolRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/pools',
    {
      config: { roles: ['admin', 'ops', 'compliance'] },
      schema: { tags: ['pools'], summary: 'Every round-robin pool with members, weights, caps and ledger shares' },
    },
    async () => ({ pools: await listPools(ctx) }),
  );
  r.get(
    '/v1/pools/:id',
    {
      config: { roles: ['admin', 'ops', 'compliance'] },
      schema: { tags: ['pools'], summary: 'One pool with its ledger', params: IdParams },
    },
    async (request, reply) => {
      const pool = await getPool(ctx, request.params.id);
      return pool.ok ? pool.value : sendFailure(reply, pool.error);
    },
  );
  for (const control of Object.keys(CONTROLS) as PoolControl[]) {
    r.post(
      `/v1/pools/:id/${control}`,
      {
        config: { roles: ['admin', 'ops'] },
        schema: { tags: ['pools'], summary: CONTROLS[control], params: IdParams, body: ControlBody },
      },
      async (request, reply) => {
        const done = await controlPool(ctx, principalOf(request), request.params.id, control, request.body.reason);
        return done.ok ? done.value : sendFailure(reply, done.error);
      },
    );
  }
}
