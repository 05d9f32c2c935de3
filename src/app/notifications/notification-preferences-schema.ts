import { z } from 'zod';
import type { EmailPreferences } from './notification-recipients.ts';

/** PUT /v1/me/notifications: minimal opt-out per event and channel; a switch left out stays on. Quiet hours: not built. */
export const NotificationPreferencesSchema = z.strictObject({
  email: z
    .strictObject({
      assignment: z.boolean().optional().describe('New lead assigned to me (reps).'),
      refusal: z.boolean().optional().describe('A lead was refused (compliance, ops).'),
      hold: z.boolean().optional().describe('A lead was held (compliance, ops).'),
      sla: z.boolean().optional().describe('SLA warning before a deadline and SLA breach (the rep, their team lead).'),
      escalation: z.boolean().optional().describe('A lead was escalated or its SLA ladder exhausted (team leads, ops, compliance).'),
      duplicate: z.boolean().optional().describe('A lead I own came in again (the owner rep).'),
      expiry: z.boolean().optional().describe('A licence or carrier appointment is expiring (the rep, their manager, compliance).'),
      overload: z.boolean().optional().describe('A rep or team is overloaded (ops).'),
      lists: z.boolean().optional().describe('A screening list is stale or not loaded (compliance).'),
      audit: z.boolean().optional().describe('The audit chain failed verification (admins).'),
    })
    .default({}),
});
export type NotificationPreferences = z.output<typeof NotificationPreferencesSchema>;

/** The stored JSON read back; anything unreadable counts as "everything on" (a notification too many, never one lost). */
export function emailPreferencesOf(json: string | undefined): EmailPreferences | undefined {
  if (json === undefined) return undefined;
  const parsed = NotificationPreferencesSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data.email : undefined;
}
