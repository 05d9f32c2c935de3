import { z } from 'zod';

/**
 * Roster behaviour an org may switch on (docs/operations.md "Day-to-day for sales ops"). Optional, and
 * org configuration: changing it is a published, audited change (a policy section, so under maker-checker).
 */
export const RosterPolicySchema = z.strictObject({
  autoAwayAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .optional()
    .describe(
      'Auto-away: a rep whose console sent no heartbeat for this many working minutes (inside their working hours) is marked away ' +
        '(reason "auto-away: idle N min", set by system) until they press "I am back". Omitted: never.',
    ),
});
