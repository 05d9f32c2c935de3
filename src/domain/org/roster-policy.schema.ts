import { z } from 'zod';

const Share = z.number().gt(0).lt(1);

/**
 * `roster` in the org config (docs/operations.md "Day-to-day for sales ops"): what the Roster page warns about and
 * roster behaviour an org may switch on. Optional, and org configuration: changing it is a published, audited change
 * (a policy section, so under maker-checker).
 */
export const RosterPolicySchema = z.strictObject({
  overload: z
    .strictObject({
      repShareOver: Share.optional().describe("Alert (REP_OVERLOADED) when one rep has more than this share of today's leads, e.g. 0.5."),
      teamShareOver: Share.optional().describe("Alert (TEAM_OVERLOADED) when one team has more than this share of today's leads."),
      queueAgeMinutes: z
        .number()
        .int()
        .positive()
        .max(7 * 24 * 60)
        .optional()
        .describe('Alert (QUEUE_AGED) when a queued lead has waited longer than this many minutes.'),
      minLeads: z
        .number()
        .int()
        .positive()
        .default(5)
        .describe('Shares are judged only once this many leads were assigned today (default 5).'),
    })
    .optional()
    .describe('Omitted: no overload alerts.'),
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
