import { z } from 'zod';

const Experience = z.enum(['junior', 'intermediate', 'senior', 'expert']);

/** Strategy chain steps (docs/routing.md). Each narrows the eligible set or picks; the chain falls through. */
export const StrategyStepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('account-owner') }).describe("The matched account's owner, if still eligible."),
  z
    .strictObject({ kind: z.literal('team-priority') })
    .describe("Keep reps of the first team, in the rule's order, that has eligible reps."),
  z
    .strictObject({
      kind: z.literal('score-tier'),
      tiers: z.array(z.strictObject({ minScore: z.number(), experience: z.array(Experience).min(1) })).min(1),
    })
    .describe('Hot leads to top reps: the first tier whose minScore the lead reaches narrows to those experience levels.'),
  z
    .strictObject({
      kind: z.literal('deal-value-tier'),
      tiers: z.array(z.strictObject({ minValue: z.number().nonnegative(), experience: z.array(Experience).min(1) })).min(1),
    })
    .describe('Large deals to experienced reps.'),
  z.strictObject({ kind: z.literal('skills-match') }).describe('Prefer reps whose skills name the product or one of its lines.'),
  z.strictObject({ kind: z.literal('language-match') }).describe("Prefer reps who speak the lead's language."),
  z
    .strictObject({ kind: z.literal('territory') })
    .describe('Prefer reps whose territory covers the lead (jurisdiction, postal prefix, time zone).'),
  z.strictObject({ kind: z.literal('least-loaded') }).describe('Prefer reps with the lowest open load relative to their cap (or weight).'),
  z
    .strictObject({
      kind: z.literal('weighted-round-robin'),
      pool: z
        .string()
        .min(1)
        .default('default')
        .describe('A declared pool id (only its members, with their pool weights and caps) or, in an org without `pools`, a ledger name.'),
    })
    .describe('Exactly fair over time: picks the rep with the largest shortfall against its weighted target.'),
]);
export type StrategyStepConfig = z.infer<typeof StrategyStepSchema>;
