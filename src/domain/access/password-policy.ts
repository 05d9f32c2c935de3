import type { ErrorDetail } from '../errors/error-catalogue.ts';

/** Longer than anyone types: bounds the scrypt input (a megabyte "password" is a denial of service, not a secret). */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * The org's password rules (docs/access.md "Local passwords, TOTP and sign-in links",
 * `access.passwords.minLength`): long enough, not the person's e-mail address or its local part, and
 * not one character repeated. Length counts characters (code points), not bytes. Returns one detail
 * per broken rule at `path`; empty = acceptable.
 */
export function passwordProblems(password: string, opts: { minLength: number; email: string | null; path: string }): ErrorDetail[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < opts.minLength) problems.push(`must be at least ${opts.minLength} characters`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`must be at most ${MAX_PASSWORD_LENGTH} characters`);
  const lower = password.trim().toLowerCase();
  const email = opts.email?.toLowerCase() ?? null;
  if (email !== null && (lower === email || lower === email.split('@')[0])) problems.push('must not be your e-mail address');
  if (length > 0 && new Set(password).size === 1) problems.push('must not be one character repeated');
  return problems.map((message) => ({ path: opts.path, message }));
}
