import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing (docs/access.md "Local passwords, TOTP and sign-in links"): scrypt from node:crypto
 * (memory-hard, no native addon). Parameters N=2^15, r=8, p=1 (32 MiB, about 80 ms on the reference
 * 2-core machine): slow enough that a stolen table is expensive to attack, fast enough for a sign-in.
 * Stored as `scrypt$N$r$p$salt$hash` (salt and hash base64url), so a later release may raise the cost
 * and still verify older hashes.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
/** Upper bounds on what a stored hash may ask for: a tampered row must not make verification eat the machine. */
const MAX_N = 2 ** 20;
const MAX_RP = 64;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // node:crypto refuses more than 32 MiB by default; scrypt needs 128·N·r bytes (plus a little).
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { N: number; r: number; p: number; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const validN = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & (N - 1)) === 0;
  if (!validN || ![r, p].every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_RP)) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  return salt.length > 0 && key.length === KEY_LENGTH ? { N, r, p, salt, key } : null;
}

/** A hash of nothing anyone knows: verified against when there is no person or no password, so timing does not tell. */
const DECOY = hashPassword(randomBytes(18).toString('base64url'));

/**
 * Whether `password` matches `stored` (constant-time comparison). `stored` null or unreadable: the same
 * scrypt work is done against a decoy and the answer is false, so an unknown e-mail takes as long as a wrong password.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = stored === null ? null : parse(stored);
  const target = parsed ?? parse(await DECOY)!;
  const key = await derive(password, target.salt, target);
  return timingSafeEqual(key, target.key) && parsed !== null;
}
