import { z } from 'zod';
import { DigestSchema } from '../../domain/notifications/digest-period.ts';
import { QuietHoursSchema } from '../../domain/notifications/quiet-hours.ts';

/** PUT /v1/me/notifications: opt-outs per event and channel (a switch left out stays on), quiet hours and digest mode. */
export const NotificationPreferencesSchema = z.strictObject({
  email: z
    .strictObject({
      assignment: z.boolean().optional().describe('New lead assigned to me (reps).'),
      refusal: z.boolean().optional().describe('A lead was refused (compliance, ops).'),
      hold: z.boolean().optional().describe('A lead was held (compliance, ops).'),
    })
    .default({}),
  quietHours: QuietHoursSchema.optional().describe('Hold my notifications in these hours; they are sent when the quiet period ends.'),
  digest: DigestSchema.optional().describe('Collect my notifications and send one message per channel and period.'),
});
export type NotificationPreferences = z.output<typeof NotificationPreferencesSchema>;

/** The stored JSON read back; anything unreadable counts as "everything on, nothing held" (never a notification lost). */
export function preferencesOf(json: string | undefined): NotificationPreferences | undefined {
  if (json === undefined) return undefined;
  const parsed = NotificationPreferencesSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : undefined;
}
