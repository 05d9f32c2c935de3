import { z } from 'zod';

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

export const RosterPolicySchema = z.strictObject({
  autoReassign: AutoReassignSchema.default(AutoReassignSchema.parse({})),
  accountsOnLeave: AccountsOnLeaveSchema.default({ kind: 'none' }),
});
export type RosterPolicy = z.infer<typeof RosterPolicySchema>;

/** The config's roster section with defaults applied (an org without one gets every switch on and accounts kept). */
export const rosterPolicyOf = (section: RosterPolicy | undefined): RosterPolicy => section ?? RosterPolicySchema.parse({});
