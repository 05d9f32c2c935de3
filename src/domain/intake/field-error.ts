import type { z } from 'zod';
import { pointer } from '../errors/detail-path.ts';

/**
 * One problem with one field of an intake payload. `path` is a JSON Pointer into the payload as
 * posted ("/person/phone", "/consent/channels/1"; docs/errors.md); `code` is stable (zod's issue code for shape
 * problems, an intake code from INTAKE_ERROR_CODES for normalisation problems).
 * Compatible with ErrorDetail, so a list of them becomes the details of a LEAD_INVALID error.
 */
export interface FieldError {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** Stable codes for problems found while normalising (after the shape has been validated). */
export const INTAKE_ERROR_CODES = [
  'email_or_phone_required',
  'person_or_company_required',
  'contact_point_required',
  'product_required',
  'unknown_customer_type',
  'country_required',
  'unknown_country',
  'unknown_subdivision',
  'subdivision_country_mismatch',
  'invalid_phone',
  'invalid_email',
  'invalid_time_zone',
  'invalid_language',
  'invalid_currency',
  'invalid_website',
  'invalid_domain',
  'date_in_future',
  'date_out_of_range',
  'too_many_entries',
  'conflicting_values',
  'too_small',
  'invalid_text',
  'invalid_imo',
  'invalid_mmsi',
  'invalid_lei',
  'invalid_imo_company_number',
] as const;
export type IntakeErrorCode = (typeof INTAKE_ERROR_CODES)[number];

/** Stable codes for warnings: the intake is accepted, but something was dropped or not resolved. */
export type IntakeWarningCode = 'subdivision_unresolved' | 'phone_extension_dropped';

/** A field's path as a JSON Pointer relative to the payload ("/person/phone", "/consent/channels/1"; "" = the payload). */
export const formatPath = (path: readonly PropertyKey[]): string => pointer(path);

export const fieldError = (path: string, code: IntakeErrorCode | IntakeWarningCode, message: string): FieldError => ({
  path,
  code,
  message,
});

/** zod issues → field errors; an unknown key becomes one error at its own path. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: formatPath([...issue.path, key]), code: issue.code, message: `unknown field "${key}"` });
      continue;
    }
    const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    out.push({ path: formatPath(issue.path), code: typeof own === 'string' ? own : issue.code, message: issue.message });
  }
  return out;
}
