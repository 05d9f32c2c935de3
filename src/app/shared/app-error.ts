import type { ErrorCode, ErrorDetail, RemitError } from '../../domain/errors/error-catalogue.ts';
import { remitError } from '../../domain/errors/error-catalogue.ts';
import { err, type Result } from '../../domain/shared/result.ts';

/** An expected failure of a use case, carried as a value: the one failure shape; adapters map it to HTTP status / exit code. */
export type AppFailure = RemitError;

/** `remitError` as a failed Result, with the same argument order: code, message, details, extra. */
export const failure = (
  code: ErrorCode,
  message?: string,
  details?: readonly ErrorDetail[],
  extra?: Readonly<Record<string, unknown>>,
): Result<never, AppFailure> => err(remitError(code, message, details, extra));
