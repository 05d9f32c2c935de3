import { digestPeriodEnd, type Digest } from './digest-period.ts';
import { releaseAfterQuietHours, type ZonedQuietHours } from './quiet-hours.ts';

/** When one person's notification of an event is due, and the digest it joins (null: sent on its own). */
export interface NotificationTiming {
  readonly dueMs: number;
  /** Rows with the same channel, recipient and key are sent as one message; the key is the digest's due time. */
  readonly digestKey: string | null;
}

export interface TimingPreferences {
  readonly quietHours?: ZonedQuietHours | undefined;
  readonly digest?: Digest | undefined;
}

/**
 * Digest first (the period's end), then quiet hours (a digest due at night waits for the morning, so a night's
 * periods collapse into one message). An urgent event (org config `notifications.urgentEvents`) is neither held nor
 * collected.
 */
export function notificationTiming(atMs: number, prefs: TimingPreferences, urgent: boolean): NotificationTiming {
  if (urgent) return { dueMs: atMs, digestKey: null };
  const collected = prefs.digest ? digestPeriodEnd(prefs.digest, atMs) : atMs;
  const dueMs = prefs.quietHours ? releaseAfterQuietHours(prefs.quietHours, collected) : collected;
  return { dueMs, digestKey: prefs.digest ? `digest:${new Date(dueMs).toISOString()}` : null };
}
