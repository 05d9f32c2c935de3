/**
 * How a lead's story ended commercially (docs/outcomes.md): WON, LOST, or DISQUALIFIED (never a real prospect). Each kind
 * says itself whether it is a conversion, so reporting never switches on the name.
 */
export const OUTCOME_KINDS = ['WON', 'LOST', 'DISQUALIFIED'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export const OUTCOME_IS_WIN: Readonly<Record<OutcomeKind, boolean>> = { WON: true, LOST: false, DISQUALIFIED: false };

/** Where an outcome came from: a person through the API or console, a CSV import, or a CRM's closed-deal event. */
export const OUTCOME_CHANNELS = ['api', 'import', 'crm'] as const;
export type OutcomeChannel = (typeof OUTCOME_CHANNELS)[number];

/** An outcome's reason code: upper snake case (PRICE, COMPETITOR, NO_BUDGET …); free text goes to the note. */
export const OUTCOME_REASON_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
