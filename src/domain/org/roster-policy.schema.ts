import { z } from 'zod';

const Share = z.number().gt(0).lt(1);

/** `roster` in the org config (docs/operations.md "Overload alerts"): what the Roster page warns about. */
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
});
