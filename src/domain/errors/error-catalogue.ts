/**
 * Stable error codes for everything Remit reports as an error (as opposed to a routing outcome,
 * which carries a reason code). Codes never change meaning; new ones are added at the end.
 * docs/errors.md is checked against this catalogue by a test.
 */
export const ERROR_CATALOGUE = {
  CONFIG_INVALID: { httpStatus: 422, exitCode: 2, message: 'The org/rules configuration is invalid; every problem is listed with file and path.' },
  LEAD_INVALID: { httpStatus: 422, exitCode: 2, message: 'The lead failed validation; details list each field with its JSON path.' },
  INPUT_UNREADABLE: { httpStatus: 400, exitCode: 2, message: 'The input could not be read or parsed (missing file, malformed JSON or YAML).' },
  ARGUMENT_INVALID: { httpStatus: 400, exitCode: 2, message: 'A command-line argument or query parameter is invalid.' },
  INTERNAL: { httpStatus: 500, exitCode: 1, message: 'An unexpected error; it is logged with a correlation id.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
  readonly file?: string;
}

/** The one error shape, for HTTP bodies and CLI JSON output alike. */
export interface RemitError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
}

export const remitError = (code: ErrorCode, details: readonly ErrorDetail[] = [], message: string = ERROR_CATALOGUE[code].message): RemitError => ({
  code,
  message,
  details,
});
