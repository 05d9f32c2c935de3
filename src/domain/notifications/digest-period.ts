import { z } from 'zod';

/**
 * Digest mode (PUT /v1/me/notifications, docs/notifications.md "Digests"): a person's notifications on a channel are
 * collected per period and sent as one message. Periods are `everyMinutes` long, counted from midnight UTC; the last
 * one of a day ends at the next midnight, so a daily digest (1440) goes out at 00:00 UTC (then quiet hours apply).
 */
export const DigestSchema = z.strictObject({
  everyMinutes: z.number().int().min(15).max(1440).describe('Length of a digest period in minutes (15 … 1440).'),
});
export type Digest = z.output<typeof DigestSchema>;

const DAY_MS = 86_400_000;

/** The end of the digest period containing `atMs` (always later than `atMs`). */
export function digestPeriodEnd(digest: Digest, atMs: number): number {
  const dayStart = atMs - (((atMs % DAY_MS) + DAY_MS) % DAY_MS);
  const periodMs = digest.everyMinutes * 60_000;
  const end = dayStart + (Math.floor((atMs - dayStart) / periodMs) + 1) * periodMs;
  return Math.min(end, dayStart + DAY_MS);
}
