import { notificationTiming } from '../../domain/notifications/notification-timing.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { NotificationPreferences } from './notification-preferences-schema.ts';

/** What timing reads about a person: their address, the rep they are linked to, and their stored preferences. */
interface TimedPerson {
  readonly email: string | null;
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
 * For one event, a function from a planned recipient's address to its row's due time and digest key. The address is
 * the person's own e-mail, or, for the assigned rep reached at their config e-mail, the person linked to that rep.
 * An address no person holds (a rep without a person) has no preferences: due at the event, on its own.
 */
export function timeRecipient(
  event: { readonly eventType: string; readonly createdAt: string },
  assignedRepId: string | null,
  dir: TimingDirectory,
): (recipient: string) => { readonly dueAt: string; readonly digestKey: string | null } {
  const atMs = Date.parse(event.createdAt);
  const urgent = dir.urgentEvents.includes(event.eventType);
  return (recipient) => {
    const person =
      dir.people.find((p) => p.active && p.email?.toLowerCase() === recipient) ??
      (assignedRepId === null ? undefined : dir.people.find((p) => p.active && p.repId === assignedRepId));
    const prefs = person?.preferences;
    const repZone = dir.reps.find((r) => r.id === person?.repId)?.timeZone;
    const zone = prefs?.quietHours?.timeZone ?? repZone;
    const quietHours = prefs?.quietHours && zone ? { ...prefs.quietHours, timeZone: zone } : undefined;
    const timing = notificationTiming(atMs, { quietHours, digest: prefs?.digest }, urgent);
    return { dueAt: toIso(timing.dueMs), digestKey: timing.digestKey };
  };
}
