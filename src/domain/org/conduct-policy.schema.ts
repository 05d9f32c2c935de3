import { z } from 'zod';

/** The firm's own conduct policy, beside the regulatory rule packs (docs/conduct.md). */
export const ConductPolicySchema = z.strictObject({
  factBackdatingHours: z
    .number()
    .positive()
    .max(8_760)
    .default(24)
    .describe(
      'How far back (hours from now) a conduct fact or consent grant may be dated when it is recorded; further back only by compliance, ' +
        'recorded as such. Never before the lead was received.',
    ),
});
export type ConductPolicy = z.infer<typeof ConductPolicySchema>;

/** The config's conduct section with defaults applied (an org without one gets the defaults). */
export const conductPolicyOf = (section: ConductPolicy | undefined): ConductPolicy => section ?? ConductPolicySchema.parse({});
