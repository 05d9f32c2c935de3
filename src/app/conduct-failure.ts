import type { ErrorCode, ErrorDetail } from '../domain/errors/error-catalogue.ts';
import { ERROR_CATALOGUE } from '../domain/errors/error-catalogue.ts';
import { err, type Result } from '../domain/shared/result.ts';
import type { AppFailure } from './app-error.ts';

/**
 * A conduct refusal: the catalogue error plus what the caller needs to act on it (the domain reason
 * code, earliestAllowedAt / nextAllowedAt, the rules that applied). Adapters send `extra` beside the
 * error body's code, message and details.
 */
export interface ConductFailure extends AppFailure {
  readonly extra: Readonly<Record<string, unknown>>;
}

export const conductFailure = (code: ErrorCode, message: string = ERROR_CATALOGUE[code].message, details: readonly ErrorDetail[] = [], extra: Record<string, unknown> = {}): Result<never, ConductFailure> =>
  err({ code, message, details, extra });
