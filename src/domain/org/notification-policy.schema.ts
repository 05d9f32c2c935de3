import { z } from 'zod';

/** The org's notification policy (docs/notifications.md). Every field optional, no defaults: see the accessors. */
export const NotificationPolicySchema = z.strictObject({
  expiryHorizonDays: z
    .number()
    .int()
    .min(1)
    .max(366)
    .optional()
    .describe('Licences and carrier appointments whose validity ends within this many days are announced (licence.expiring); default 30.'),
  timeZone: z
    .string()
    .min(1)
    .optional()
    .describe("IANA zone of the org's day for daily notification jobs (licence.expiring runs once per day in it); default UTC."),
});
export type NotificationPolicy = z.infer<typeof NotificationPolicySchema>;

/** Applied in code, not as a zod default: an org without the section keeps the canonical form (and hash) it had. */
export const DEFAULT_EXPIRY_HORIZON_DAYS = 30;

export const expiryHorizonDaysOf = (policy: NotificationPolicy | undefined): number =>
  policy?.expiryHorizonDays ?? DEFAULT_EXPIRY_HORIZON_DAYS;

export const notificationTimeZoneOf = (policy: NotificationPolicy | undefined): string => policy?.timeZone ?? 'UTC';
