import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../app/service-context.ts';

export function registerHealthRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/health', { schema: { tags: ['ops'], summary: 'Liveness', security: [] } }, () => ({ status: 'ok' }));
  app.get('/ready', { schema: { tags: ['ops'], summary: 'Readiness: the store answers and the org is loaded', security: [] } }, async () => ({
    status: 'ready',
    store: ctx.store.capabilities.dialect,
    migrations: (await ctx.store.appliedMigrations()).length,
    org: { version: ctx.orgs.current.version, hash: ctx.orgs.current.hash },
  }));
}
