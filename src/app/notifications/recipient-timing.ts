import { notificationTiming } from '../../domain/notifications/notification-timing.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { NotificationChannel } from '../../store/ports/notifications.port.ts';
import type { NotificationPreferences } from './notification-preferences-schema.ts';
import type { PlannedRecipient } from './notification-recipients.ts';

/** What timing reads about a person: their account, the rep they are linked to, and their stored preferences. */
interface TimedPerson {
  readonly userId?: string;
  readonly active: boolean;
  readonly repId: string | null;
  readonly preferences: NotificationPreferences | undefined;
}

interface TimingDirectory {
  readonly people: readonly TimedPerson[];
  readonly reps: readonly { readonly id: string; readonly timeZone: string }[];
  readonly urgentEvents: readonly string[];
}

/**
 * Which channels honour a person's quiet hours and digest. Messages pushed to a person (e-mail, their own Slack or
 * Teams webhook) wait for the end of quiet hours; the console inbox is read when one looks, so it is never held. Only
 * a channel that renders digests (e-mail) collects them; chat messages go one by one.
 */
const CHANNEL_TIMING: Record<NotificationChannel, { readonly quietHours: boolean; readonly digest: boolean }> = {
  email: { quietHours: true, digest: true },
  slack: { quietHours: true, digest: false },
  teams: { quietHours: true, digest: false },
  inbox: { quietHours: false, digest: false },
};

/**
 * For one event, a function from a planned recipient to its row's due time and digest key. A row without a person
 * (a shared chat route, a rep without an account) has no preferences: due at the event, on its own.
 */
export function timeRecipient(
  event: { readonly eventType: string; readonly createdAt: string },
  dir: TimingDirectory,
): (recipient: PlannedRecipient) => { readonly dueAt: string; readonly digestKey: string | null } {
  const atMs = Date.parse(event.createdAt);
  const urgent = dir.urgentEvents.includes(event.eventType);
  return (recipient) => {
    const person = recipient.personId === undefined ? undefined : dir.people.find((p) => p.active && p.userId === recipient.personId);
    const honours = CHANNEL_TIMING[recipient.channel];
    const prefs = person?.preferences;
    const repZone = dir.reps.find((r) => r.id === person?.repId)?.timeZone;
    const zone = prefs?.quietHours?.timeZone ?? repZone;
    const quietHours = honours.quietHours && prefs?.quietHours && zone ? { ...prefs.quietHours, timeZone: zone } : undefined;
    const timing = notificationTiming(atMs, { quietHours, digest: honours.digest ? prefs?.digest : undefined }, urgent);
    return { dueAt: toIso(timing.dueMs), digestKey: timing.digestKey };
  };
}
