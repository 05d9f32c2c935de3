import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../app/shared/service-context.ts';
import { registerAccountRoutes } from './routes/accounts.routes.ts';
import { registerAuditRoutes } from './routes/audit.routes.ts';
import { registerConductRoutes } from './routes/conduct.routes.ts';
import { registerMetricsRoutes } from './routes/metrics.routes.ts';
import { registerOutcomeRoutes } from './routes/outcomes.routes.ts';
import { registerPresenceRoutes } from './routes/presence.routes.ts';
import { registerConsoleRoutes } from './routes/console.routes.ts';
import { registerCredentialRoutes } from './routes/credentials.routes.ts';
import { registerCrmSourceRoutes } from './routes/crm-sources.routes.ts';
import { registerFormRoutes } from './routes/forms.routes.ts';
import { registerOrgDraftRoutes } from './routes/org-drafts.routes.ts';
import { registerSimulationRoutes } from './routes/simulations.routes.ts';
import { registerLeadReadRoutes } from './routes/leads-read.routes.ts';
import { registerLeadWriteRoutes } from './routes/leads-write.routes.ts';
import { registerReassignRoutes } from './routes/reassign.routes.ts';
import { registerPoolRoutes } from './routes/pools.routes.ts';
import { registerReviewRoutes } from './routes/review.routes.ts';
import { registerRosterRoutes } from './routes/roster.routes.ts';
import { registerRosterReadRoutes } from './routes/roster-read.routes.ts';
import { registerRosterGrantRoutes } from './routes/roster-grants.routes.ts';
import { registerScreeningRoutes } from './routes/screening.routes.ts';
import { registerSessionRoutes } from './routes/session.routes.ts';
import { registerWebhookRoutes } from './routes/webhooks.routes.ts';
import { registerMyNotificationRoutes } from './routes/my-notifications.routes.ts';
import { registerNotificationRoutes } from './routes/notifications.routes.ts';
import { registerCrmRoutes } from './routes/crm.routes.ts';

/** Route modules beyond the core (health, keys, org), in registration order. */
export const SERVICE_ROUTES: readonly ((app: FastifyInstance, ctx: ServiceContext) => void | Promise<void>)[] = [
  registerLeadWriteRoutes,
  registerLeadReadRoutes,
  registerReviewRoutes,
  registerReassignRoutes,
  registerScreeningRoutes,
  registerAccountRoutes,
  registerWebhookRoutes,
  registerNotificationRoutes,
  registerMyNotificationRoutes,
  registerFormRoutes,
  registerCrmSourceRoutes,
  registerCrmRoutes,
  registerSessionRoutes,
  registerCredentialRoutes,
  registerConsoleRoutes,
  registerConductRoutes,
  registerPresenceRoutes,
  registerMetricsRoutes,
  registerOutcomeRoutes,
  registerAuditRoutes,
  registerSimulationRoutes,
  registerOrgDraftRoutes,
  registerRosterRoutes,
  registerPoolRoutes,
  registerRosterReadRoutes,
  registerRosterGrantRoutes,
];
