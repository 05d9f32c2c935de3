import type { IdSource } from '../../domain/shared/clock.ts';
import type { NotificationChannel } from '../../store/ports/notifications.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { OrgRegistry } from '../routing/org-registry.ts';
import { preferencesOf } from './notification-preferences-schema.ts';
import { notifiesAnyone, recipientsFor } from './notification-recipients.ts';
import { timeRecipient } from './recipient-timing.ts';

export interface OutboxEventFacts {
  readonly eventId: string;
  readonly eventType: string;
  readonly data: unknown;
  readonly createdAt: string;
}

/** The channels notifications are queued on: the inbox and chat always, e-mail only with an SMTP server to send it. */
export const activeChannels = (mailConfigured: boolean): readonly NotificationChannel[] =>
  mailConfigured ? ['email', 'inbox', 'slack', 'teams'] : ['inbox', 'slack', 'teams'];

/** Called by the outbox writer in the caller's transaction: the notification rows commit or roll back with the change. */
export type NotificationPlanner = (tx: UnitOfWork, event: OutboxEventFacts) => Promise<void>;

/**
 * Resolves recipients from the people in the store, their preferences and the org in force (chat routes), and writes
 * one PENDING row per (channel, recipient) for the channels that are on (`remit serve` turns e-mail on only with SMTP
 * configured, so nothing waits for a sender that does not exist), due when the person's quiet hours and digest allow
 * (recipient-timing.ts). The lead's team, for chat routes limited to some teams, is the event's or else the lead's.
 */
export function notificationPlanner(deps: {
  readonly orgs: Pick<OrgRegistry, 'current'>;
  readonly ids: IdSource;
  readonly channels: readonly NotificationChannel[];
}): NotificationPlanner {
  return async (tx, event) => {
    // Most events notify nobody: no reads for them.
    if (!notifiesAnyone(event.eventType)) return;
    const data = (event.data ?? {}) as Readonly<Record<string, unknown>> & { readonly teamId?: string | null; readonly leadId?: string };
    const prefs = await tx.notifications.preferences();
    const people = (await tx.users.list()).map((u) => {
      const p = preferencesOf(prefs.get(u.id));
      return {
        userId: u.id,
        email: u.email,
        active: u.status === 'active',
        roles: u.roles,
        repId: u.repId,
        preferences: p,
        emailPreferences: p?.email,
        channelPreferences: {
          ...(p?.inbox ? { inbox: p.inbox } : {}),
          ...(p?.slack ? { slack: p.slack } : {}),
          ...(p?.teams ? { teams: p.teams } : {}),
        },
      };
    });
    const config = deps.orgs.current.config;
    const rep = (id: string) => config.reps.find((r) => r.id === id);
    const chatRoutes = deps.channels.some((c) => c === 'slack' || c === 'teams') ? (config.notifications?.chat ?? []) : [];
    const teamId = data.teamId ?? (chatRoutes.some((r) => r.teams) && data.leadId ? (await tx.leads.get(data.leadId))?.teamId : null);
    const planned = recipientsFor(
      event.eventType,
      { ...data, teamId: teamId ?? null },
      {
        people,
        repEmail: (id) => rep(id)?.email,
        teamLeadEmails: (id) => config.teams.find((t) => t.id === rep(id)?.team)?.leadEmails ?? [],
        managerEmail: (id) => rep(id)?.managerEmail,
        chatRoutes,
      },
    ).filter((p) => deps.channels.includes(p.channel));
    const timed = timeRecipient(event, { people, reps: config.reps, urgentEvents: config.notifications?.urgentEvents ?? [] });
    await tx.notifications.add(
      planned.map((p) => ({
        id: deps.ids.next('ntf'),
        eventId: event.eventId,
        createdAt: event.createdAt,
        channel: p.channel,
        recipient: p.recipient,
        ...timed(p),
      })),
    );
  };
}
