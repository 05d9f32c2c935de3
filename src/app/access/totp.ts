import { Secret, TOTP } from 'otpauth';

/**
 * TOTP second factor (RFC 6238; docs/access.md "Local passwords, TOTP and sign-in links"): SHA-1, 6
 * digits, 30-second steps, what every authenticator app understands. A code is accepted for the step
 * before, the current one and the one after (clock drift between phone and server); which step it
 * matched is returned so the caller can refuse it a second time (the store keeps the last step used).
 */
const PERIOD = 30;
const DIGITS = 6;
const WINDOW = 1;
const ISSUER = 'Remit';

const totpFor = (secret: string, label: string) =>
  new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) });

/** A new random secret (160 bits, base32) and the otpauth:// URI an authenticator app reads (as a QR code or typed). */
export function newTotpSecret(label: string): { secret: string; otpauthUri: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, otpauthUri: totpFor(secret, label).toString() };
}

/** The otpauth:// URI of an existing secret. */
export const otpauthUri = (secret: string, label: string): string => totpFor(secret, label).toString();

/** The time step `code` is valid for at `nowMs` (±1 step), or null when it is not a valid code now. */
export function totpStep(secret: string, code: string, nowMs: number): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secret, 'check').validate({ token, timestamp: nowMs, window: WINDOW });
  return delta === null ? null : Math.floor(nowMs / 1000 / PERIOD) + delta;
}

/** The code for a moment (tests and the CLI's own checks use it in place of a phone). */
export const totpCode = (secret: string, nowMs: number): string => totpFor(secret, 'code').generate({ timestamp: nowMs });
