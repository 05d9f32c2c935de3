/**
 * Stable reason codes of a CRM write-back attempt (docs/crm.md "Failure handling"): what the CRM answered and what
 * Remit does next. Each code names its result: written, rescheduled (not an attempt), retried (with backoff, then
 * dead-lettered) or dead-lettered at once. Codes are API: never rename, only add.
 */
export type CrmWritebackResult = 'written' | 'rescheduled' | 'retried' | 'dead-lettered';

const code = (result: CrmWritebackResult, description: string) => ({ result, description }) as const;

export const CRM_WRITEBACK_REASON_CODES = {
  CRM_WRITTEN: code('written', 'The CRM accepted the update (2xx); the row is SENT and the story shows the fields written.'),
  CRM_RATE_LIMITED: code(
    'rescheduled',
    'The CRM answered 429: tried again at its Retry-After (60 s when absent, at most 1 h); not counted as an attempt.',
  ),
  CRM_UNAVAILABLE: code('retried', 'A 5xx, no answer or a timeout: retried with backoff, dead-lettered after the last attempt.'),
  CRM_REJECTED: code('dead-lettered', 'The CRM refused the update (another 4xx: a bad field, a missing record); its message is kept.'),
  CRM_UNAUTHORIZED: code('dead-lettered', 'A 401 again after a fresh token, or a 401 for a static token that cannot be refreshed.'),
  CRM_TOKEN_REFUSED: code('dead-lettered', 'The token endpoint refused the credentials (4xx, e.g. invalid_client); its message is kept.'),
  CRM_SECRET_MISSING: code('dead-lettered', "An environment variable named in the target's auth is not set: nothing was sent."),
  CRM_TARGET_GONE: code('dead-lettered', 'The write-back target is no longer in the org config in force.'),
  CRM_NOTHING_TO_WRITE: code('dead-lettered', 'The config in force maps nothing this row would write (no owner, status or field).'),
} as const;

export type CrmWritebackReasonCode = keyof typeof CRM_WRITEBACK_REASON_CODES;
