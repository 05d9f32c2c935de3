import { ERROR_CATALOGUE, type ErrorCode, type ErrorDetail } from '../domain/errors/error-catalogue.ts';
import { err, type Result } from '../domain/shared/result.ts';

/** An expected failure of a use case, carried as a value; adapters map it to HTTP status / exit code. */
export interface AppFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
}

export const failure = (code: ErrorCode, message: string = ERROR_CATALOGUE[code].message, details: readonly ErrorDetail[] = []): Result<never, AppFailure> =>
  err({ code, message, details });
