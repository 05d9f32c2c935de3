/** Stable reason codes of the outreach gate. Codes are API: never rename, only add. */
const code = (result: 'pass' | 'fail' | 'not_applicable', description: string) => ({ result, description }) as const;

export const OUTREACH_REASON_CODES = {
  NOT_APPLICABLE_CHANNEL: code('not_applicable', 'The rule does not cover this channel.'),
  NOT_APPLICABLE_PURPOSE: code('not_applicable', 'The rule covers marketing only (or transactional only).'),
  NOT_APPLICABLE_JURISDICTION: code(
    'not_applicable',
    "Neither the address nor the phone number places the recipient in the rule's jurisdictions.",
  ),
  // quiet hours
  WITHIN_CALLING_HOURS: code('pass', 'Inside the allowed local window in every applicable zone.'),
  OUTSIDE_CALLING_HOURS: code('fail', 'Outside the allowed local window in at least one applicable zone; nextAllowedAt says when.'),
  RECIPIENT_TIME_ZONE_UNKNOWN: code('fail', "No time zone is known for the recipient's location, so local time cannot be checked."),
  // call caps
  WITHIN_CALL_CAP: code('pass', 'Fewer attempts than the cap in the rolling window.'),
  CALL_CAP_REACHED: code('fail', 'The cap for the rolling window is reached; nextAllowedAt is when the oldest counted attempt ages out.'),
  // registries
  DNC_NOT_LISTED: code('pass', 'Not on the registry at a scrub recent enough to rely on.'),
  DNC_EXEMPT: code('pass', 'On (or not verifiably off) the registry, but an exemption in the pack holds.'),
  DNC_LISTED: code('fail', 'On the registry and no exemption holds.'),
  DNC_SCRUB_STALE: code('fail', 'The last scrub is older than the pack allows; alert DNC_SCRUB_STALE.'),
  DNC_SCRUB_MISSING: code('fail', 'No scrub against the registry on record; alert DNC_SCRUB_MISSING.'),
  FIRM_DNC_NOT_LISTED: code('pass', "Not on the firm's do-not-call list."),
  FIRM_DNC_LISTED: code('fail', "On the firm's do-not-call list (honoured immediately)."),
  // consent
  CONSENT_NOT_REQUIRED: code('pass', 'The rule requires consent only for automated outreach.'),
  CONSENT_PRESENT: code('pass', 'A consent of the required quality is on record.'),
  CONSENT_MISSING: code(
    'fail',
    'No valid consent of the required quality (written, naming the number, not a condition of purchase, not revoked).',
  ),
  // opt-outs
  NO_OPT_OUT: code('pass', 'No opt-out or objection on record.'),
  OPTED_OUT: code('fail', 'An opt-out / objection (on any channel, for cross-channel rules) suppresses marketing.'),
  // cold calls
  PRODUCT_NOT_RESTRICTED: code('pass', 'The product is outside the restricted product lines.'),
  CUSTOMER_TYPE_NOT_PROTECTED: code('pass', 'The customer type is outside the restriction.'),
  PRODUCT_MAY_BE_COLD_CALLED: code(
    'pass',
    'The product carries an attribute the rule exempts (e.g. generally marketable packaged product).',
  ),
  COLD_CALL_EXEMPT: code('pass', 'Consent or a qualifying existing relationship lifts the restriction.'),
  COLD_CALL_BANNED: code('fail', 'Unsolicited call not permitted for this product / customer without an exemption.'),
  // promotions
  PROMOTION_APPROVED: code('pass', "The template is an approved promotion for the recipient's jurisdiction."),
  PROMOTION_TEMPLATE_MISSING: code('fail', 'Marketing outreach without a promotion template.'),
  PROMOTION_NOT_APPROVED: code('fail', 'The template is not an approved promotion.'),
  PROMOTION_APPROVAL_NOT_VALID: code('fail', 'The approval is not valid at this time.'),
  PROMOTION_NOT_APPROVED_FOR_JURISDICTION: code('fail', "The approval does not cover the recipient's jurisdiction."),
  AUDIENCE_UNRESTRICTED: code('pass', 'The promotion is not audience-restricted.'),
  AUDIENCE_MATCHES: code('pass', "The recipient's customer type may receive the restricted promotion."),
  PROMOTION_AUDIENCE_MISMATCH: code('fail', 'A professional-only promotion would reach a retail client.'),
} as const;

export type OutreachReasonCode = keyof typeof OUTREACH_REASON_CODES;
