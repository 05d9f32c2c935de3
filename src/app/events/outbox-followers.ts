import type { NotificationPlanner } from '../notifications/notification-planner.ts';

/**
 * What runs with each outbox event in the caller's transaction (ServiceContext.notify): the e-mail planner when SMTP
 * is on, the CRM write-back planner (docs/crm.md). In order; the rows they write commit or roll back with the change.
 */
export function outboxFollowers(...planners: readonly (NotificationPlanner | undefined)[]): NotificationPlanner | undefined {
  const on = planners.filter((p): p is NotificationPlanner => p !== undefined);
  if (on.length <= 1) return on[0];
  return async (tx, event) => {
    for (const plan of on) await plan(tx, event);
  };
}
