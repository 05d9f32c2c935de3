import { z } from 'zod';

/** What the screening policy concluded for one hit (docs/screening.md; the rule is in src/screening/hit-disposition.ts). */
export const HIT_DISPOSITION_KINDS = ['escalated', 'review', 'clear'] as const;
export const HIT_DISPOSITION_REASON_CODES = [
  'NAME_MATCH_CORROBORATED',
  'NAME_MATCH',
  'CORROBORATION_LIFTED',
  'HARD_CONTRADICTION_CLEARED',
  'BELOW_REVIEW_LINE',
  'IDENTIFIER_MATCH',
  'OWNED_BY_LISTED_PARTIES',
] as const;
/** Review order: escalated hits first, contradicted ones last; a cleared hit has none. */
export const REVIEW_PRIORITIES = ['high', 'normal', 'low', 'none'] as const;

/**
 * One screening hit as the lead, its decision and its review item show it: the list entry, the name score, each
 * corroboration effect and the disposition. Nothing that could repeat the person's data is here (their DOB,
 * country, or the matched name, which for a namesake is their own): that is in the screening record and evidence.
 */
export const ScreeningHitSummarySchema = z.strictObject({
  listId: z.string(),
  entryId: z.string(),
  nameScore: z.number(),
  priorityScore: z.number(),
  disposition: z.enum(HIT_DISPOSITION_KINDS),
  reasonCode: z.enum(HIT_DISPOSITION_REASON_CODES),
  priority: z.enum(REVIEW_PRIORITIES),
  effects: z.array(
    z.strictObject({
      fact: z.enum(['dob', 'nationality', 'residence', 'country', 'identifier']),
      outcome: z.enum(['agree', 'partial', 'disagree']),
      effect: z.number(),
      hard: z.boolean(),
      mayClear: z.boolean().describe('Whether the fact was allowed to take the name match below review.'),
    }),
  ),
});
export type ScreeningHitSummary = z.infer<typeof ScreeningHitSummarySchema>;
