/**
 * The screening tag of a lead screened while a list source's version in force was not the one the screening instance
 * holds (docs/screening.md "Versions in force on every instance"): the lead is `not_screened` and the screening gate
 * holds it with SCREENING_LIST_STALE, whatever the org's rules say about not_screened leads.
 */
export const STALE_LIST_TAG = 'list_stale';
