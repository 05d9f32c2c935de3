/**
 * Stable error codes for everything Remit reports as an error (as opposed to a routing outcome,
 * which carries a reason code). Codes never change meaning; new ones are added at the end.
 * docs/errors.md is checked against this catalogue by a test.
 */
export const ERROR_CATALOGUE = {
  CONFIG_INVALID: {
    httpStatus: 422,
    exitCode: 2,
    message: 'The org/rules configuration is invalid; every problem is listed with file and path.',
  },
  LEAD_INVALID: { httpStatus: 422, exitCode: 2, message: 'The lead failed validation; details list each field with its JSON path.' },
  INPUT_UNREADABLE: {
    httpStatus: 400,
    exitCode: 2,
    message: 'The input could not be read or parsed (missing file, malformed JSON or YAML).',
  },
  ARGUMENT_INVALID: { httpStatus: 400, exitCode: 2, message: 'A command-line argument or query parameter is invalid.' },
  UNAUTHENTICATED: {
    httpStatus: 401,
    exitCode: 2,
    message: 'No valid credentials: an API key (Authorization: Bearer <key>) or a console session of an active person.',
  },
  FORBIDDEN: { httpStatus: 403, exitCode: 2, message: "None of the caller's roles may do this." },
  NOT_FOUND: { httpStatus: 404, exitCode: 2, message: 'No such resource (or not visible to this role).' },
  CONFLICT: { httpStatus: 409, exitCode: 2, message: 'The resource is not in a state that allows this.' },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, exitCode: 2, message: 'The request body exceeds the size limit.' },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, exitCode: 2, message: 'The Content-Type is not accepted here.' },
  IDEMPOTENCY_KEY_REUSED: { httpStatus: 422, exitCode: 2, message: 'This Idempotency-Key was used with a different request body.' },
  FOUR_EYES_VIOLATION: {
    httpStatus: 403,
    exitCode: 2,
    message: 'The approver is the person who requested this, whichever key or session they use.',
  },
  JUSTIFICATION_REQUIRED: {
    httpStatus: 422,
    exitCode: 2,
    message: 'The named assignment fails eligibility; approving it needs a written justification.',
  },
  RATE_LIMITED: { httpStatus: 429, exitCode: 2, message: 'Too many requests; retry later.' },
  UNAVAILABLE: { httpStatus: 503, exitCode: 1, message: 'The service is shutting down or not ready.' },
  INTERNAL: { httpStatus: 500, exitCode: 1, message: 'An unexpected error; it is logged with a correlation id.' },
  SIGNATURE_INVALID: {
    httpStatus: 401,
    exitCode: 2,
    message: 'The webhook signature is missing, does not match, or its timestamp is too old; nothing was stored.',
  },
  TRANSITION_NOT_ALLOWED: {
    httpStatus: 409,
    exitCode: 2,
    message: "The lead's lifecycle does not allow this move; reasonCode and allowedTargets say why (the attempt is recorded).",
  },
  COOLING_OFF_BLOCKED: {
    httpStatus: 422,
    exitCode: 2,
    message:
      'A cooling-off window from the rule packs holds this step back; earliestAllowedAt says when it becomes allowed (the attempt is ' +
      'recorded).',
  },
  OUTREACH_DENIED: {
    httpStatus: 422,
    exitCode: 2,
    message:
      'The outreach gate denies this outreach at this moment; every rule that applied is listed, with nextAllowedAt. Nothing was recorded.',
  },
  AUDIT_TAMPERED: {
    httpStatus: 409,
    exitCode: 7,
    message: 'The audit log failed verification; the first bad entry is named (seq, problem, detail).',
  },
  AUDIT_KEY_UNAVAILABLE: {
    httpStatus: 503,
    exitCode: 1,
    message: 'The audit signing key is missing, malformed or not valid now (REMIT_AUDIT_KEY or the key file); entries wait unsealed.',
  },
  LIST_SOURCE_UNKNOWN: {
    httpStatus: 422,
    exitCode: 2,
    message: 'A screening list reload named a source that is not configured; lists are reloaded by source id, never by path.',
  },
  LIST_SOURCE_UNREADABLE: {
    httpStatus: 422,
    exitCode: 2,
    message:
      'A configured screening list source could not be loaded; the previous version stays in force and the detail is in the server log.',
  },
  LEAD_NOT_ROUTABLE: {
    httpStatus: 409,
    exitCode: 2,
    message: 'The lead is erased, a duplicate or closed (CLOSED, WON, LOST); no exception or approval may assign it. Nothing was changed.',
  },
  ACCOUNTS_INVALID: {
    httpStatus: 422,
    exitCode: 2,
    message:
      'An account import failed validation (e.g. an owner that is not a rep of the org in force); details name each item and field. ' +
      'Nothing was imported.',
  },
  RETENTION_INCOMPLETE: {
    httpStatus: 500,
    exitCode: 1,
    message:
      'A retention run could not erase every lead past its period; each failure is listed (lead, code) and the next run tries again.',
  },
  STORE_UNAVAILABLE: {
    httpStatus: 503,
    exitCode: 8,
    message:
      'The store refuses writes: its file was removed or replaced while open, a page is corrupt, or the database does not answer; the ' +
      'reason code says which.',
  },
  STORE_MISSING: {
    httpStatus: 503,
    exitCode: 8,
    message:
      'The configured SQLite store is missing but evidence (its marker, or the audit key file) shows one existed: restore it from a ' +
      'backup, or pass --init to start a new empty store.',
  },
  SEGREGATION_OF_DUTIES: {
    httpStatus: 403,
    exitCode: 2,
    message:
      "The approver is not independent of the requester: one created the other's account or granted them a role recently " +
      '(access.segregation.recentDays), or they are the same person.',
  },
  KEY_ROLE_NOT_HELD: { httpStatus: 403, exitCode: 2, message: 'A key may only act with a role its person holds.' },
  SELF_GRANT_FORBIDDEN: { httpStatus: 403, exitCode: 2, message: 'Nobody may grant themselves a role or reinstate themselves.' },
  SIGN_IN_FAILED: {
    httpStatus: 401,
    exitCode: 2,
    message: 'The e-mail, password or one-time code is wrong, or the person may not sign in.',
  },
  ACCOUNT_LOCKED: {
    httpStatus: 423,
    exitCode: 2,
    message: 'Too many failed sign-ins in a row: the account is locked for access.passwords.lockoutMinutes (an admin may unlock it).',
  },
  SSO_UNAVAILABLE: {
    httpStatus: 503,
    exitCode: 2,
    message: 'Single sign-on is not configured or the identity provider does not answer; API keys and passwords still work.',
  },
  SSO_FAILED: {
    httpStatus: 401,
    exitCode: 2,
    message: "The identity provider's answer was refused (state, nonce, issuer, audience, expiry or signature), or it maps to no person.",
  },
  TOTP_REQUIRED: {
    httpStatus: 401,
    exitCode: 2,
    message: 'The password is right; a one-time code from the authenticator app is needed too (send it as totp).',
  },
  TOTP_NOT_ENROLLED: {
    httpStatus: 403,
    exitCode: 2,
    message: 'Your roles require a one-time code and none is set up: add totpSecret to an authenticator app, then sign in with its code.',
  },
  SIGN_IN_LINK_INVALID: {
    httpStatus: 410,
    exitCode: 2,
    message: 'The sign-in link is unknown, was used already or has expired; ask an administrator for a new one.',
  },
  ROSTER_CHANGE_INVALID: {
    httpStatus: 422,
    exitCode: 2,
    message: 'The roster change would make the org invalid; details name each field; nothing was published.',
  },
  CALENDAR_INVALID: {
    httpStatus: 422,
    exitCode: 2,
    message: 'The calendar (.ics) could not be read as iCalendar events; details say where; nothing was changed.',
  },
  CALENDAR_UNREACHABLE: {
    httpStatus: 502,
    exitCode: 1,
    message: 'The calendar URL could not be fetched (refused address, timeout, HTTP error or too large); nothing was changed.',
  },
  OUTCOME_INVALID: {
    httpStatus: 422,
    exitCode: 2,
    message: 'The outcome is invalid; details name each field (value and currency, reason code, close date); nothing was recorded.',
  },
  CONCURRENCY_LIMITED: {
    httpStatus: 429,
    exitCode: 2,
    message:
      'This API key or lead source already has as many requests in progress as its limit allows; retry after Retry-After ' +
      'seconds; nothing was stored.',
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
  readonly file?: string;
}

/**
 * The one failure shape, for use-case results, HTTP bodies and CLI output alike. `extra` carries what a
 * caller needs to act on a refusal (a conduct reason code, earliestAllowedAt, the rules that applied);
 * adapters write its fields beside code, message and details (see `errorBody`).
 */
export interface RemitError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The one constructor, with the one argument order: code, message (the catalogue's by default), details, extra. */
export const remitError = (
  code: ErrorCode,
  message: string = ERROR_CATALOGUE[code].message,
  details: readonly ErrorDetail[] = [],
  extra?: Readonly<Record<string, unknown>>,
): RemitError => (extra === undefined ? { code, message, details } : { code, message, details, extra });

/** The wire form (HTTP body, CLI JSON line): code, message, details, then the extra fields flattened beside them. */
export const errorBody = (e: RemitError): Record<string, unknown> => ({ code: e.code, message: e.message, details: e.details, ...e.extra });
