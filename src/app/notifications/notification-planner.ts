import type { IdSource } from '../../domain/shared/clock.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { OrgRegistry } from '../routing/org-registry.ts';
import { emailPreferencesOf } from './notification-preferences-schema.ts';
import { NOTIFIED_EVENTS, recipientsFor } from './notification-recipients.ts';

export interface OutboxEventFacts {
  readonly eventId: string;
  readonly eventType: string;
  readonly data: unknown;
  readonly createdAt: string;
}

/** Called by the outbox writer in the caller's transaction: the notification rows commit or roll back with the change. */
export type NotificationPlanner = (tx: UnitOfWork, event: OutboxEventFacts) => Promise<void>;

/**
 * The planner used when the e-mail channel is on (SMTP configured): resolves recipients from the people in the
 * store and the org in force, and writes one PENDING row per recipient. With the channel off no planner is
 * installed, so nothing is queued that nobody would send.
 */
export function emailNotificationPlanner(deps: {
  readonly orgs: Pick<OrgRegistry, 'current'>;
  readonly ids: IdSource;
}): NotificationPlanner {
  return async (tx, event) => {
    // Most events notify nobody: no reads for them.
    if (!(NOTIFIED_EVENTS as readonly string[]).includes(event.eventType)) return;
    const prefs = await tx.notifications.preferences();
    const people = (await tx.users.list()).map((u) => ({
      email: u.email,
      active: u.status === 'active',
      roles: u.roles,
      repId: u.repId,
      emailPreferences: emailPreferencesOf(prefs.get(u.id)),
    }));
    const { reps, teams } = deps.orgs.current.config;
    const rep = (id: string) => reps.find((r) => r.id === id);
    const planned = recipientsFor(event.eventType, event.data, {
      people,
      repEmail: (id) => rep(id)?.email,
      teamLeadEmails: (id) => teams.find((t) => t.id === rep(id)?.team)?.leadEmails ?? [],
      managerEmail: (id) => rep(id)?.managerEmail,
    });
    await tx.notifications.add(
      planned.map((p) => ({ id: deps.ids.next('ntf'), eventId: event.eventId, createdAt: event.createdAt, ...p })),
    );
  };
}
