import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordHeartbeat } from '../../app/routing/auto-away.use-case.ts';
import { getRepPresence, setRepPresence } from '../../app/routing/rep-presence.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';

const RepParams = z.object({ repId: z.string().min(1).max(128) });

/** Rep presence (docs/access.md "Rep self-service"): a rep marks themselves away or back; ops and admin may for anyone. */
export function registerPresenceRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/reps/:repId/presence',
    {
      config: { roles: ['admin', 'ops', 'compliance', 'rep'] },
      schema: {
        tags: ['reps'],
        summary: "A rep's presence now (available / away, since, until, who set it, why). Reps: their own only (403 otherwise)",
        params: RepParams,
      },
    },
    async (request, reply) => {
      const r = await getRepPresence(ctx, principalOf(request), request.params.repId);
      return r.ok ? r.value : sendFailure(reply, r.error);
    },
  );
  r.put(
    '/v1/reps/:repId/presence',
    {
      config: { roles: ['admin', 'ops', 'rep'] },
      schema: {
        tags: ['reps'],
        summary:
          'Mark a rep away or back: an away rep gets no new leads (verdict REP_AWAY) until back or `until` passes; leads already ' +
          'assigned stay. Reps: their own only (403 otherwise); ops and admin for anyone. Audited.',
        params: RepParams,
        body: z.strictObject({
          status: z.enum(['available', 'away']),
          until: z.iso.datetime({ offset: true }).optional().describe('away only: when it ends by itself; must be in the future'),
          reason: z.string().trim().min(1).max(500).optional(),
        }),
      },
    },
    async (request, reply) => {
      const r = await setRepPresence(ctx, principalOf(request), request.params.repId, request.body);
      return r.ok ? r.value : sendFailure(reply, r.error);
    },
  );
  r.post(
    '/v1/me/heartbeat',
    {
      config: { roles: ['rep'] },
      schema: {
        tags: ['reps'],
        summary:
          "The rep's console is in use (sent while the tab is visible and used): feeds auto-away (roster.autoAwayAfterMinutes). " +
          'It never ends an away by itself: the rep presses "I am back".',
      },
    },
    async (request, reply) => {
      const r = await recordHeartbeat(ctx, principalOf(request));
      return r.ok ? r.value : sendFailure(reply, r.error);
    },
  );
}
