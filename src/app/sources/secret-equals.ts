import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two secrets of any length (both are hashed first). */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** Where secrets named in config (`keyEnv`, `secretEnv`) are read from; the process environment by default. */
export type SecretLookup = (name: string) => string | undefined;
export const environmentSecrets: SecretLookup = (name) => {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
};
