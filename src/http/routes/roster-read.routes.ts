import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rosterAlertsView, rosterRepDetail, rosterView } from '../../app/roster/roster-view.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { sendFailure } from '../reply-error.ts';

const READERS = ['admin', 'ops', 'compliance'] as const;

/** The Roster page's reads (docs/operations.md "The Roster page"): admin, ops and compliance (read-only for compliance). */
export function registerRosterReadRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/roster',
    {
      config: { roles: READERS },
      schema: {
        tags: ['roster'],
        summary:
          "Every team with its reps: status, presence, today's load against caps, weight, pools, upcoming out-of-office; and the " +
          'overload alerts',
      },
    },
    () => rosterView(ctx),
  );
  r.get(
    '/v1/roster/alerts',
    {
      config: { roles: READERS },
      schema: {
        tags: ['roster'],
        summary:
          'Overload alerts (roster.overload): reps or teams over a share of today’s leads (REP_OVERLOADED, TEAM_OVERLOADED), ' +
          'aged queues (QUEUE_AGED)',
      },
    },
    () => rosterAlertsView(ctx),
  );
  r.get(
    '/v1/roster/reps/:repId',
    {
      config: { roles: READERS },
      schema: {
        tags: ['roster'],
        summary: "One rep's roster row and the recent roster changes about them (who, why, versions, diff)",
        params: z.object({ repId: z.string().min(1).max(128) }),
      },
    },
    async (request, reply) => {
      const rep = await rosterRepDetail(ctx, request.params.repId);
      return rep.ok ? rep.value : sendFailure(reply, rep.error);
    },
  );
}
