import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/app/access/password-hash.ts';
import { totpCode, totpStep } from '../../src/app/access/totp.ts';
import { passwordProblems } from '../../src/domain/access/password-policy.ts';

describe('password hashing (scrypt)', () => {
  it('stores scrypt$N$r$p$salt$hash with a fresh salt; verifies the right password only', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    // Unicode is normalised: the composed and decomposed é are the same password.
    expect(await verifyPassword('caf\u0065\u0301 au lait!', await hashPassword('caf\u00e9 au lait!'))).toBe(true);
  });

  it('older parameters still verify (they are read from the stored hash)', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('old password', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const stored = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('old password', stored)).toBe(true);
  });

  it('no hash, or an unreadable or tampered one, is false after the same scrypt work (timing does not tell)', async () => {
    const real = await hashPassword('some password 123');
    // A stored hash changed in its first hash character (a tampered or corrupted row).
    const at = real.lastIndexOf('$') + 1;
    const tampered = `${real.slice(0, at)}${real[at] === 'A' ? 'B' : 'A'}${real.slice(at + 1)}`;
    const time = async (stored: string | null) => {
      const t = performance.now();
      expect(await verifyPassword('some password 123', stored)).toBe(false);
      return performance.now() - t;
    };
    await time(null); // the decoy is hashed once, on first use
    for (const stored of [null, 'plain', 'scrypt$3$8$1$c2FsdA$aGFzaA', `scrypt$${2 ** 30}$8$1$c2FsdA$aGFzaA`, tampered]) {
      // A wrong-password check costs one scrypt at N=2^15 (tens of ms); so must each of these.
      expect(await time(stored), String(stored)).toBeGreaterThan(15);
    }
  });
});

describe('password rules', () => {
  const rules = { minLength: 12, email: 'ada.lovelace@bank.example', path: '/body/password' };
  it('length in characters, not the e-mail or its local part, not one character repeated', () => {
    expect(passwordProblems('a long enough one', rules)).toEqual([]);
    expect(passwordProblems('short', rules)).toEqual([{ path: '/body/password', message: 'must be at least 12 characters' }]);
    expect(passwordProblems('ÅÅÅÅÅÅÅÅÅÅÅb', rules)).toEqual([]);
    expect(passwordProblems('ADA.LOVELACE@bank.example', rules).map((p) => p.message)).toEqual(['must not be your e-mail address']);
    expect(passwordProblems('ada.lovelace', rules).map((p) => p.message)).toEqual(['must not be your e-mail address']);
    expect(passwordProblems('x'.repeat(300), rules).map((p) => p.message)).toEqual([
      'must be at most 256 characters',
      'must not be one character repeated',
    ]);
  });
});

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B: the SHA-1 test secret "12345678901234567890" (base32 below) at T = 59 s gives 94287082 (8 digits);
  // with 6 digits that is 287082.
  const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it('matches the RFC test vector and accepts ±1 step, naming the step matched', () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe('287082');
    expect(totpStep(RFC_SECRET, '287082', 59_000)).toBe(1);
    expect(totpStep(RFC_SECRET, '287 082', 89_000)).toBe(1);
    expect(totpStep(RFC_SECRET, '287082', 119_000)).toBeNull();
    expect(totpStep(RFC_SECRET, '28708', 59_000)).toBeNull();
    expect(totpStep(RFC_SECRET, 'abcdef', 59_000)).toBeNull();
  });
});
