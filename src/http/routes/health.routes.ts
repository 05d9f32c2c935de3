import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { sendError } from '../reply-error.ts';

/**
 * What /ready says about screening. No sanctions list (or a source withheld pending approval, or stale here) keeps
 * the service ready — leads are still taken in and held as not_screened by the org's rules — but
 * the status names the gap so monitoring and a compliance officer see it. File paths stay private.
 */
function screeningReadiness(ctx: ServiceContext) {
  const lists = (ctx.screening?.versions() ?? []).map((v) => ({
    id: v.listId,
    category: v.category ?? 'other',
    format: v.sourceType,
    sha256: v.sha256,
    entryCount: v.entryCount,
    loadedAt: v.loadedAt,
    filesModifiedAt: v.filesModifiedAt ?? null,
    // counts by kind of values the load left out (docs/screening.md "Load warnings"): no list data, only when any
    ...(v.warnings ? { warnings: v.warnings } : {}),
  }));
  const withheld = (ctx.screening?.withheldSources() ?? []).map((w) =>
    w.reason === 'stale'
      ? { id: w.sourceId, reason: w.reason, code: w.code, inForceSha256: w.inForceSha256, fileSha256: w.fileSha256, since: w.since }
      : { id: w.sourceId, reason: w.reason, pendingReloadId: w.pendingReloadId },
  );
  // A scheduled check that failed keeps the version in force; readiness names it so monitoring sees it.
  const failedChecks = (ctx.listChecks?.all() ?? []).filter((c) => c.result === 'failed');
  return { status: ctx.screening?.coverage() ?? 'no_sanctions_list', lists, withheld, failedChecks };
}

export function registerHealthRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/health', { schema: { tags: ['ops'], summary: 'Liveness', security: [] } }, () => ({ status: 'ok' }));
  app.get(
    '/ready',
    {
      schema: {
        tags: ['ops'],
        summary:
          'Readiness: the store answers and accepts writes (file intact, integrity check passed) and the org is loaded; which screening ' +
          'lists are in force (a missing sanctions list is a warning)',
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
        screening: screeningReadiness(ctx),
      };
    },
  );
}
