import { passwordProblems } from '../../domain/access/password-policy.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { passwordPolicy, type SignInDeps } from './password-sign-in.use-case.ts';

/**
 * Changes one's own password (PUT /v1/me/password; docs/access.md): the current password is checked
 * like a sign-in (a wrong one counts towards the lockout, and a locked account cannot change it), the new
 * one against the org's rules. Every session of the person ends (the caller opens a fresh one for the
 * request that made the change); API keys are not affected.
 */
export async function changePassword(
  deps: SignInDeps,
  who: Principal,
  input: { readonly current: string; readonly next: string },
): Promise<Result<{ endedSessions: number }, AppFailure>> {
  const user = await deps.store.users.get(who.userId);
  const credentials = await deps.store.users.credentials(who.userId);
  if (!user || !credentials) return failure('NOT_FOUND', `no person ${who.userId}`);
  const policy = passwordPolicy(deps);
  const nowMs = deps.clock.now();
  const at = toIso(nowMs);
  if (credentials.lockedUntil !== null && credentials.lockedUntil > at)
    return failure('ACCOUNT_LOCKED', `locked until ${credentials.lockedUntil}`, [], { lockedUntil: credentials.lockedUntil });
  const problems = passwordProblems(input.next, { minLength: policy.minLength, email: user.email, path: '/body/new' });
  if (input.next === input.current) problems.push({ path: '/body/new', message: 'must differ from the current password' });
  const currentOk = await verifyPassword(input.current, credentials.passwordHash);
  if (!currentOk) {
    const lockedUntil = credentials.failedSignIns + 1 >= policy.lockoutAfter ? toIso(nowMs + policy.lockoutMinutes * 60_000) : null;
    await deps.store.transaction(async (tx) => {
      const failedSignIns = await tx.users.recordFailedSignIn(user.id, lockedUntil);
      await appendAudit(tx, {
        kind: 'access',
        subject: `user:${user.id}`,
        actor: user.id,
        at,
        payload: { action: 'password.change_refused', userId: user.id, reason: 'wrong_current_password', failedSignIns, lockedUntil },
      });
    });
    return failure('ARGUMENT_INVALID', 'the current password is not right', [
      { path: '/body/current', message: 'is not your current password' },
    ]);
  }
  if (problems.length > 0) return failure('ARGUMENT_INVALID', 'the new password breaks the password rules', problems);
  const hash = await hashPassword(input.next);
  return deps.store.transaction(async (tx) => {
    await tx.users.setPassword(user.id, hash);
    const endedSessions = await tx.sessions.deleteForUser(user.id);
    await appendAudit(tx, {
      kind: 'access',
      subject: `user:${user.id}`,
      actor: user.id,
      at,
      payload: { action: 'password.changed', userId: user.id, endedSessions },
    });
    return ok({ endedSessions });
  });
}
