/** How a lead closed (issue 17 item 1 records these; this module only reads them). */
export const OUTCOME_RESULTS = ['WON', 'LOST', 'DISQUALIFIED'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];

/**
 * The minimal fact the conversion model learns from. The app layer maps recorded outcomes (leadId, decisionId,
 * repId, teamId, segment, outcome, closedAt) onto it; the domain does not depend on how they are stored.
 */
export interface OutcomeFact {
  readonly leadId: string;
  readonly decisionId: string;
  readonly repId: string;
  readonly teamId: string;
  /** The lead's segment when it was routed (company.segment), or UNKNOWN_SEGMENT. */
  readonly segment: string;
  readonly outcome: OutcomeResult;
  /** Epoch ms. */
  readonly closedAt: number;
}

/** Leads without a company segment are learned, and routed, as one segment of their own. */
export const UNKNOWN_SEGMENT = '(none)';
