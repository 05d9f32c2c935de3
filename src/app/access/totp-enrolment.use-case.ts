import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { newTotpSecret } from './totp.ts';
import { passwordPolicy, spendTotpCode, totpLabel, type SignInDeps } from './password-sign-in.use-case.ts';

const audit = (tx: UnitOfWork, userId: string, at: string, action: string) =>
  appendAudit(tx, { kind: 'access', subject: `user:${userId}`, actor: userId, at, payload: { action, userId } });

const codeRefused = (verdict: 'wrong' | 'replayed') =>
  failure('ARGUMENT_INVALID', 'the code is not right', [
    { path: '/body/code', message: verdict === 'wrong' ? 'is not the current code' : 'was used already; wait for the next one' },
  ]);

/**
 * Starts TOTP enrolment for oneself (POST /v1/me/totp; docs/access.md): a new secret, stored but not in
 * force until a code from it is confirmed. Refused while TOTP is on (turn it off first, with a code).
 */
export async function startTotpEnrolment(
  deps: SignInDeps,
  who: Principal,
): Promise<Result<{ secret: string; otpauthUri: string }, AppFailure>> {
  const at = toIso(deps.clock.now());
  return deps.store.transaction(async (tx) => {
    const user = await tx.users.get(who.userId);
    const credentials = await tx.users.credentials(who.userId);
    if (!user || !credentials) return failure('NOT_FOUND', `no person ${who.userId}`);
    if (credentials.totpEnabled) return failure('CONFLICT', 'a one-time code is already set up; turn it off first (DELETE /v1/me/totp)');
    const fresh = newTotpSecret(totpLabel(user));
    await tx.users.setTotp(user.id, fresh.secret, false);
    await audit(tx, user.id, at, 'totp.enrolment_started');
    return ok(fresh);
  });
}

/** Confirms enrolment with a code from the new secret (POST /v1/me/totp/confirm): from now on sign-in needs a code. */
export async function confirmTotp(deps: SignInDeps, who: Principal, code: string): Promise<Result<{ enabled: true }, AppFailure>> {
  const nowMs = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const credentials = await tx.users.credentials(who.userId);
    if (!credentials) return failure('NOT_FOUND', `no person ${who.userId}`);
    if (credentials.totpEnabled) return failure('CONFLICT', 'a one-time code is already set up');
    if (credentials.totpSecret === null) return failure('CONFLICT', 'no enrolment in progress: start one with POST /v1/me/totp');
    // Enabling keeps the secret; the step is spent after it, so the confirming code cannot sign anyone in.
    await tx.users.setTotp(who.userId, credentials.totpSecret, true);
    const verdict = await spendTotpCode(tx, who.userId, credentials.totpSecret, code, nowMs);
    if (verdict !== 'ok') {
      await tx.users.setTotp(who.userId, credentials.totpSecret, false);
      return codeRefused(verdict);
    }
    await audit(tx, who.userId, toIso(nowMs), 'totp.enabled');
    return ok({ enabled: true as const });
  });
}

/**
 * Turns one's TOTP off (DELETE /v1/me/totp) with a current code, so a stolen session alone cannot
 * remove the second factor; refused when the person's roles require it (access.passwords.totpRequiredFor).
 */
export async function disableTotp(deps: SignInDeps, who: Principal, code: string): Promise<Result<{ enabled: false }, AppFailure>> {
  const nowMs = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const user = await tx.users.get(who.userId);
    const credentials = await tx.users.credentials(who.userId);
    if (!user || !credentials) return failure('NOT_FOUND', `no person ${who.userId}`);
    if (!credentials.totpEnabled || credentials.totpSecret === null) return failure('CONFLICT', 'no one-time code is set up');
    const required = user.roles.filter((r) => passwordPolicy(deps).totpRequiredFor.includes(r));
    if (required.length > 0) return failure('CONFLICT', `the org requires a one-time code for ${required.join(', ')}`);
    const verdict = await spendTotpCode(tx, user.id, credentials.totpSecret, code, nowMs);
    if (verdict !== 'ok') return codeRefused(verdict);
    await tx.users.setTotp(user.id, null, false);
    await audit(tx, user.id, toIso(nowMs), 'totp.disabled');
    return ok({ enabled: false as const });
  });
}
