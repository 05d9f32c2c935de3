import { z } from 'zod';

const Share = z.number().gt(0).lt(1);

/**
 * What happens by itself after a roster change (docs/operations.md "Automatic reassignment"): which changes move a
 * rep's open leads in the background, and who takes over the accounts of a rep who leaves.
 */
export const AutoReassignSchema = z.strictObject({
  onPause: z.boolean().default(true).describe('Setting a rep to paused moves their open leads (through the engine, lawful reps only).'),
  onLeave: z.boolean().default(true).describe('Setting a rep to left moves their open leads.'),
  onLicenceLoss: z
    .boolean()
    .default(true)
    .describe('A publication or a lapsing grant that makes a rep unlawful for some open leads moves those leads (and only those).'),
});

export const AccountsOnLeaveSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('pool'),
      pool: z.string().min(1).describe('A declared pool: the active member (not the leaver) owning the fewest accounts, ties by id.'),
    }),
    z.strictObject({ kind: z.literal('rep'), rep: z.string().min(1).describe('A named rep; must be active when the rep leaves.') }),
    z.strictObject({ kind: z.literal('none').describe('Accounts keep the rep who left as owner (the default).') }),
  ])
  .describe("Who owns a leaver's accounts; with no active rep to give them to, an account becomes unowned (ownerRep null).");
export type AccountsOnLeave = z.infer<typeof AccountsOnLeaveSchema>;

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
  autoReassign: AutoReassignSchema.default(AutoReassignSchema.parse({})),
  accountsOnLeave: AccountsOnLeaveSchema.default({ kind: 'none' }),
});
export type RosterPolicy = z.infer<typeof RosterPolicySchema>;

/** The config's roster section with defaults applied (an org without one gets every switch on and accounts kept). */
export const rosterPolicyOf = (section: RosterPolicy | undefined): RosterPolicy => section ?? RosterPolicySchema.parse({});
