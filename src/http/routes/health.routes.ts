import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../app/service-context.ts';
import { sendError } from '../reply-error.ts';

export function registerHealthRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/health', { schema: { tags: ['ops'], summary: 'Liveness', security: [] } }, () => ({ status: 'ok' }));
  app.get(
    '/ready',
    {
      schema: {
        tags: ['ops'],
        summary: 'Readiness: the store answers and accepts writes (file intact, integrity check passed) and the org is loaded',
        security: [],
      },
    },
    async (_request, reply) => {
      // Storage (W1): a removed, replaced or damaged store, or a database that does not answer, is 503 with the reason code.
      const storage = await ctx.store.health();
      if (storage.kind === 'faulted') {
        return sendError(reply, 'STORE_UNAVAILABLE', `the store refuses writes: ${storage.detail}`, [
          { path: 'storage.reason', message: storage.reason },
          { path: 'storage.since', message: storage.since },
        ]);
      }
      return {
        status: 'ready',
        store: ctx.store.capabilities.dialect,
        storage: { status: 'ok', integrityCheckedAt: storage.integrityCheckedAt },
        migrations: (await ctx.store.appliedMigrations()).length,
        org: { version: ctx.orgs.current.version, hash: ctx.orgs.current.hash },
      };
    },
  );
}
