import type { CrmWritebackReasonCode } from '../../domain/crm/crm-reason-codes.ts';

/**
 * The result of one write-back attempt (docs/crm.md "Failure handling"). Expected failures are results with a reason
 * code, never exceptions; the worker applies each kind through its own handler (crm-writeback-worker.ts).
 */
export type CrmOutcome =
  | { readonly kind: 'written'; readonly reasonCode: 'CRM_WRITTEN'; readonly httpStatus: number; readonly request: CrmRequestFacts }
  /** 429: the CRM said "not now"; rescheduled at Retry-After, not counted towards dead-letter. */
  | { readonly kind: 'rate_limited'; readonly reasonCode: 'CRM_RATE_LIMITED'; readonly retryAfterMs: number; readonly error: string }
  /** 5xx, no answer, a timeout: retried with backoff, dead-lettered after the last attempt. */
  | { readonly kind: 'unavailable'; readonly reasonCode: 'CRM_UNAVAILABLE'; readonly error: string }
  /** The CRM refused the request or the credentials (other 4xx), or the connection is not usable: dead-lettered at once. */
  | { readonly kind: 'rejected'; readonly reasonCode: CrmRejection; readonly error: string };

/** The codes that dead-letter at once (docs/crm.md). */
export type CrmRejection = Extract<
  CrmWritebackReasonCode,
  'CRM_REJECTED' | 'CRM_UNAUTHORIZED' | 'CRM_TOKEN_REFUSED' | 'CRM_SECRET_MISSING' | 'CRM_TARGET_GONE' | 'CRM_NOTHING_TO_WRITE'
>;

/** What was sent, for the lead's story: the path and the fields written (values are CRM ids, statuses and Remit ids). */
export interface CrmRequestFacts {
  readonly method: 'PATCH';
  readonly path: string;
  readonly body: object;
}

export const rejected = (reasonCode: CrmRejection, error: string): CrmOutcome => ({ kind: 'rejected', reasonCode, error });
const unavailable = (error: string): CrmOutcome => ({ kind: 'unavailable', reasonCode: 'CRM_UNAVAILABLE', error });

/** A request that got no answer: fetch says only "fetch failed"; its cause says why (ECONNREFUSED, a timeout …). */
export function noAnswer(e: unknown, what = ''): CrmOutcome {
  const error = e as Error & { readonly cause?: { readonly code?: string; readonly message?: string } };
  const cause = error.cause?.code ?? error.cause?.message;
  return unavailable(`${what}${error.message}${cause ? ` (${cause})` : ''}`);
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); absent or unreadable: the fallback. */
export function retryAfterMs(header: string | null, nowMs: number, fallbackMs: number): number {
  if (header === null) return fallbackMs;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : fallbackMs;
}

/** Classifies an HTTP answer of the CRM (the token endpoint's or the update's). */
export function answerOutcome(
  res: { readonly status: number; readonly retryAfter: string | null; readonly error: string },
  nowMs: number,
  fallbackRetryMs: number,
  refusal: CrmRejection,
): CrmOutcome {
  if (res.status === 429)
    return {
      kind: 'rate_limited',
      reasonCode: 'CRM_RATE_LIMITED',
      retryAfterMs: retryAfterMs(res.retryAfter, nowMs, fallbackRetryMs),
      error: `HTTP 429 ${res.error}`.trim(),
    };
  if (res.status >= 500 || res.status < 400) return unavailable(`HTTP ${res.status} ${res.error}`.trim());
  return rejected(res.status === 401 ? 'CRM_UNAUTHORIZED' : refusal, `HTTP ${res.status} ${res.error}`.trim());
}
