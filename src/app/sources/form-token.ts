import { createHmac, randomBytes } from 'node:crypto';
import { secretEquals } from './secret-equals.ts';

/**
 * Signed form tokens (docs/sources.md): `ft1.<expires, unix seconds>.<nonce>.<signature>`, where the
 * signature is HMAC-SHA256(secret, "ft1.<formId>.<expires>.<nonce>") in base64url. The form id is
 * signed but not written, so a token works for one form only. Whoever holds the secret can mint one:
 * Remit (GET /v1/forms/{formId}/token) or the bank's own web server, which embeds it in the page.
 */
const VERSION = 'ft1';

/** Seconds a token minted for a ttl may be early (clocks of the minting server and Remit differ). */
const CLOCK_SKEW_SECONDS = 60;

const signature = (secret: string, formId: string, expires: number, nonce: string): string =>
  createHmac('sha256', secret).update(`${VERSION}.${formId}.${expires}.${nonce}`).digest('base64url');

export function mintFormToken(
  secret: string,
  formId: string,
  nowMs: number,
  ttlSeconds: number,
  nonce: string = randomBytes(12).toString('base64url'),
): { token: string; expiresAt: number } {
  const expires = Math.floor(nowMs / 1000) + ttlSeconds;
  return { token: `${VERSION}.${expires}.${nonce}.${signature(secret, formId, expires, nonce)}`, expiresAt: expires * 1000 };
}

export type FormTokenCheck = 'valid' | 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'too_long_lived';

export function checkFormToken(
  secret: string,
  formId: string,
  token: string | undefined,
  nowMs: number,
  ttlSeconds: number,
): FormTokenCheck {
  if (token === undefined || token.trim() === '') return 'missing';
  const parts = token.trim().split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !/^\d{1,12}$/.test(parts[1]!) || !/^[A-Za-z0-9_-]{8,64}$/.test(parts[2]!))
    return 'malformed';
  const expires = Number(parts[1]);
  if (!secretEquals(parts[3]!, signature(secret, formId, expires, parts[2]!))) return 'bad_signature';
  const now = Math.floor(nowMs / 1000);
  if (expires <= now) return 'expired';
  // A token that outlives the form's ttl was not minted under this configuration.
  if (expires > now + ttlSeconds + CLOCK_SKEW_SECONDS) return 'too_long_lived';
  return 'valid';
}
