/**
 * Every outcome names a stable reason code. Categories separate who may lawfully serve a lead
 * (licence, suitability) from who can serve it right now (availability): a lead nobody may serve is
 * REFUSED; a lead only waiting for someone to be free is QUEUED.
 */
export type ReasonCategory =
  'outcome' | 'review' | 'pre-screen' | 'rule' | 'licence' | 'suitability' | 'screening' | 'availability' | 'alert';

const reason = (category: ReasonCategory, description: string) => ({ category, description }) as const;

export const REASON_CODES = {
  // the outcome itself, when nothing went wrong
  ASSIGNED: reason('outcome', 'A lawful, available team and rep were chosen; the detail names them and the strategy step that picked.'),
  FAIRNESS_GUARD: reason(
    'outcome',
    "The outcome-aware step's fairness guard bound: a rep would leave its share band, so round robin chose.",
  ),
  NURTURE: reason('outcome', 'The matching rule sends leads like this one to nurture.'),
  // why a review was opened when no decision reason says it
  EXCEPTION_REQUESTED: reason('review', 'Someone asked for an exception (a named team or rep); a second person must approve it.'),
  // pre-screen and rules
  JURISDICTION_NOT_LICENSED: reason('pre-screen', "The firm holds no active licence at all in the lead's jurisdiction."),
  UNKNOWN_PRODUCT: reason('pre-screen', 'The lead names a product the org does not define.'),
  NO_RULE_MATCHED: reason('rule', 'No rule in the published rule set matched the lead.'),
  BELOW_QUALIFICATION_THRESHOLD: reason('rule', 'The lead scored below the qualification threshold; it goes to nurture, not to a rep.'),
  RULE_REFUSED: reason('rule', 'The matching rule refuses leads like this one.'),
  RULE_HELD: reason('rule', 'The matching rule holds leads like this one for review.'),
  NO_LAWFUL_CANDIDATE: reason('rule', 'No candidate team and rep may lawfully serve the lead.'),
  NO_AVAILABLE_REP: reason('availability', 'Lawful reps exist but none is available now; the lead waits for the team.'),
  // unregulated lines (docs/routing.md "Regulated and unregulated lines"): the decision's `licensing` and fallbacks
  REGULATED_LINE: reason('outcome', "The lead's product lines are regulated where it is: licences and suitability were checked."),
  UNREGULATED_LINE: reason(
    'outcome',
    "The lead's product lines are unregulated where it is: no licence, appointment or suitability check.",
  ),
  FALLBACK_OWNER: reason(
    'outcome',
    'Unregulated lead nobody else may take: assigned to the configured fallback owner (owner of last resort).',
  ),
  FALLBACK_OPS_QUEUE: reason('outcome', 'Unregulated lead nobody may take: queued for ops (no team), not sent to compliance review.'),
  // screening
  SCREENING_POTENTIAL_MATCH: reason('screening', 'A potential sanctions/blocklist match awaits compliance disposition.'),
  SCREENING_CONFIRMED_MATCH: reason('screening', 'Compliance confirmed a sanctions/blocklist match; the lead stays blocked.'),
  SCREENING_LIST_STALE: reason(
    'screening',
    'Screened while a list here was older than the version in force on another instance: held, never cleared.',
  ),
  PEP_REQUIRES_REVIEW: reason('screening', 'Policy holds politically exposed persons for enhanced due diligence review.'),
  EDD_REQUIRED_FOR_PEP: reason('suitability', 'PEP leads go only to teams set up for enhanced due diligence.'),
  // suitability (lead-level)
  PRODUCT_OUTSIDE_TARGET_MARKET: reason('suitability', "The product's target market excludes the customer's effective type."),
  RETAIL_STATUS_REQUIRED: reason('suitability', 'Retail customers need a valid certified status (e.g. HNW) for this product.'),
  // suitability (candidate-level)
  APPROPRIATENESS_ASSESSMENT_REQUIRED: reason(
    'suitability',
    'Complex product for a customer without a valid appropriateness assessment: only assessors may take it.',
  ),
  MASS_MARKET_ONLY_TEAM: reason('suitability', 'The team is limited to mass-market products.'),
  MASS_MARKET_ONLY_REP: reason('suitability', 'The rep is limited to mass-market products.'),
  OUTSIDE_TEAM_MANDATE: reason('suitability', 'The team is not set up for this jurisdiction, product line or customer type.'),
  // firm licences
  NO_FIRM_LICENCE_FOR_JURISDICTION: reason('licence', "The team's legal entity holds no licence in the jurisdiction."),
  FIRM_LICENCE_NOT_COVERING_PRODUCT_LINE: reason('licence', "The entity's licences in the jurisdiction do not cover a product line."),
  FIRM_LICENCE_NOT_COVERING_CUSTOMER_TYPE: reason('licence', "The entity's licences do not cover the customer type."),
  FIRM_LICENCE_EXPIRED: reason('licence', 'The covering firm licence has expired.'),
  FIRM_LICENCE_NOT_YET_VALID: reason('licence', 'The covering firm licence is not valid yet.'),
  FIRM_LICENCE_INACTIVE: reason('licence', 'The covering firm licence is suspended, revoked or lapsed.'),
  // individual licences and appointments
  NO_LICENCE_FOR_JURISDICTION: reason('licence', 'The rep holds no individual licence in the jurisdiction.'),
  LICENCE_NOT_COVERING_PRODUCT_LINE: reason(
    'licence',
    "The rep's licences do not cover a product line (e.g. securities for a variable annuity).",
  ),
  LICENCE_NOT_COVERING_CUSTOMER_TYPE: reason('licence', "The rep's licences do not cover the customer type."),
  LICENCE_EXPIRED: reason('licence', "The rep's covering licence has expired."),
  LICENCE_NOT_YET_VALID: reason('licence', "The rep's covering licence is not valid yet."),
  LICENCE_INACTIVE: reason('licence', "The rep's covering licence is suspended, revoked or lapsed."),
  NO_CARRIER_APPOINTMENT: reason('licence', "The rep has no appointment with the product's carrier in the jurisdiction."),
  APPOINTMENT_EXPIRED: reason('licence', "The rep's carrier appointment has ended."),
  APPOINTMENT_NOT_YET_VALID: reason('licence', "The rep's carrier appointment has not started."),
  APPOINTMENT_INACTIVE: reason('licence', "The rep's carrier appointment is terminated or suspended."),
  // availability
  REP_PAUSED: reason('availability', 'The rep is paused.'),
  REP_INACTIVE: reason('availability', 'The rep is inactive.'),
  OUT_OF_OFFICE: reason('availability', 'The rep is out of office.'),
  OUT_OF_HOURS: reason('availability', "Outside the rep's working hours in the rep's time zone."),
  CAPACITY_REACHED: reason('availability', 'The rep has reached the cap on open leads.'),
  DAILY_CAP_REACHED: reason('availability', 'The rep has reached the cap on leads per day.'),
  NO_ELIGIBLE_REP: reason('availability', 'The team passed, but none of its reps is eligible.'),
  EXCLUDED_FROM_REROUTE: reason('availability', 'The rep missed the SLA on this lead, so the re-route goes to someone else.'),
  REP_AWAY: reason('availability', 'The rep marked themselves away (rep presence) and gets no new leads until they are back.'),
  REP_LEFT: reason('availability', 'The rep has left the firm (status left); kept in the org so old decisions still resolve.'),
  PUBLIC_HOLIDAY: reason('availability', "The rep's team is closed for a public holiday in its calendar (the rep's local date)."),
  TEAM_CLOSED: reason('availability', "The rep's team is closed that day (an extra closed day in its calendar)."),
  REASSIGNED_AWAY: reason(
    'availability',
    "Ops moved the rep's open leads to others (bulk reassignment), so the re-decision passes over them.",
  ),
  // roster alerts (GET /v1/roster/alerts): no decision cites them; they tell ops the floor is unbalanced
  REP_OVERLOADED: reason('alert', "The rep has more than the configured share of today's leads (roster.overload.repShareOver)."),
  TEAM_OVERLOADED: reason('alert', "The team has more than the configured share of today's leads (roster.overload.teamShareOver)."),
  QUEUE_AGED: reason('alert', 'A queued lead has waited longer than the configured age (roster.overload.queueAgeMinutes).'),
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

/** A catalogue code named where it is used outside a typed field (e.g. a review's reasonCodes): a typo fails to compile. */
export const reasonCode = <C extends ReasonCode>(code: C): C => code;

/**
 * A reason code an org defines in its own rules (`then: { kind: refuse | hold, reasonCode }`, validated as
 * UPPER_SNAKE by the config schema and documented by the org, not here). Branded so that only a rule's
 * configured code, never an arbitrary string, can stand beside the catalogue's codes.
 */
export type OrgReasonCode = string & { readonly __orgReasonCode: true };
export const orgReasonCode = (configured: string): OrgReasonCode => configured as OrgReasonCode;

/** What a decision may cite: a catalogue code, or the code of the org rule that refused or held it. */
export type DecisionReasonCode = ReasonCode | OrgReasonCode;
