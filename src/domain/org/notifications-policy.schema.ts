import { z } from 'zod';

/**
 * The org's notification policy (docs/notifications.md). Optional, without defaults: an org without the section
 * hashes exactly as before. Lane "channels" adds its own keys to this object.
 */
export const NotificationsPolicySchema = z.strictObject({
  urgentEvents: z
    .array(z.string().regex(/^[a-z]+(\.[a-z_]+)+$/, 'an event type, e.g. lead.refused'))
    .optional()
    .describe("Event types sent at once, past people's quiet hours and digests; omitted: none."),
});
