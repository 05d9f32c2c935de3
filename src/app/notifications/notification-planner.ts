import type { IdSource } from '../../domain/shared/clock.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { OrgRegistry } from '../routing/org-registry.ts';
import { preferencesOf } from './notification-preferences-schema.ts';
import { recipientsFor } from './notification-recipients.ts';
import { timeRecipient } from './recipient-timing.ts';

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
 * store and the org in force, and writes one PENDING row per recipient, due when the person's quiet hours and
 * digest allow. With the channel off no planner is installed, so nothing is queued that nobody would send.
 */
export function emailNotificationPlanner(deps: {
  readonly orgs: Pick<OrgRegistry, 'current'>;
  readonly ids: IdSource;
}): NotificationPlanner {
  return async (tx, event) => {
    const data = (event.data ?? {}) as { readonly repId?: string | null };
    const prefs = await tx.notifications.preferences();
    const people = (await tx.users.list()).map((u) => ({
      email: u.email,
      active: u.status === 'active',
      roles: u.roles,
      repId: u.repId,
      preferences: preferencesOf(prefs.get(u.id)),
    }));
    const config = deps.orgs.current.config;
    const planned = recipientsFor(event.eventType, data, {
      people: people.map((p) => ({ ...p, emailPreferences: p.preferences?.email })),
      repEmail: (id) => config.reps.find((r) => r.id === id)?.email,
    });
    const timed = timeRecipient(event, data.repId ?? null, {
      people,
      reps: config.reps,
      urgentEvents: config.notifications?.urgentEvents ?? [],
    });
    await tx.notifications.add(
      planned.map((p) => ({ id: deps.ids.next('ntf'), eventId: event.eventId, createdAt: event.createdAt, ...p, ...timed(p.recipient) })),
    );
  };
}
