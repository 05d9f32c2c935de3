import { sessionRoles } from '../../domain/access/roles.ts';
import { accessPolicyOf, type AccessPolicy } from '../../domain/org/access-policy.schema.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { UserCredentials, UserRecord } from '../../store/ports/users.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { verifyPassword } from './password-hash.ts';
import { recordSignIn, SignInTally, type SignInFailureReason } from './sign-in-record.ts';
import { newTotpSecret, otpauthUri, totpStep } from './totp.ts';

export type SignInDeps = Pick<ServiceContext, 'store' | 'clock' | 'metrics' | 'orgs'>;

type PasswordPolicy = AccessPolicy['passwords'];

/** One attempt, once the password has been checked (outside the transaction: scrypt is slow and must not hold a lock). */
export interface Attempt {
  readonly user: UserRecord;
  readonly credentials: UserCredentials;
  readonly method: 'password' | 'link';
  /** The one-time code sent with the attempt, if any. */
  readonly totp: string | undefined;
  readonly nowMs: number;
  readonly at: string;
  readonly policy: PasswordPolicy;
  /** Outcomes to count once the transaction commits. */
  readonly tally: SignInTally;
}

export const passwordPolicy = (deps: Pick<ServiceContext, 'orgs'>): PasswordPolicy => accessPolicyOf(deps.orgs.current.config).passwords;

/** The label an authenticator app shows for this person's code. */
export const totpLabel = (user: UserRecord): string => user.email ?? user.name;

/**
 * Checks a TOTP code against a secret and spends its time step: 'wrong' (not a code for now ±1 step),
 * 'replayed' (its step, or a later one, was used already) or the accepted step.
 */
export async function spendTotpCode(tx: UnitOfWork, userId: string, secret: string, code: string, nowMs: number) {
  const step = totpStep(secret, code, nowMs);
  if (step === null) return 'wrong' as const;
  return (await tx.users.acceptTotpStep(userId, step)) ? ('ok' as const) : ('replayed' as const);
}

/**
 * A failed attempt by a known, active person: counted; the `lockoutAfter`-th failure in a row locks the
 * account for `lockoutMinutes` (ACCOUNT_LOCKED, even with the right password, until then or an admin unlocks it).
 */
async function countFailure(tx: UnitOfWork, deps: SignInDeps, a: Attempt, failedBefore: number, reason: SignInFailureReason) {
  const lockedUntil = failedBefore + 1 >= a.policy.lockoutAfter ? toIso(a.nowMs + a.policy.lockoutMinutes * 60_000) : null;
  const failedSignIns = await tx.users.recordFailedSignIn(a.user.id, lockedUntil);
  const outcome = lockedUntil === null ? 'failed' : 'locked';
  await recordSignIn(tx, a.tally, { userId: a.user.id, method: a.method, outcome, reason, failedSignIns, lockedUntil, at: a.at });
  if (lockedUntil === null) return failure('SIGN_IN_FAILED');
  return failure('ACCOUNT_LOCKED', `too many failed sign-ins: locked until ${lockedUntil}`, [], { lockedUntil });
}

/**
 * The person's roles require TOTP and none is confirmed: the first sign-in with the right password
 * answers TOTP_NOT_ENROLLED with a secret (kept, pending), and the next one with a code from it
 * confirms it and signs in (docs/access.md: until then, the password alone reaches this step).
 */
async function enrolAtSignIn(tx: UnitOfWork, deps: SignInDeps, a: Attempt, failedBefore: number): Promise<Result<null, AppFailure>> {
  let secret = a.credentials.totpSecret;
  if (secret === null) {
    secret = newTotpSecret(totpLabel(a.user)).secret;
    await tx.users.setTotp(a.user.id, secret, false);
  }
  if (a.totp === undefined) {
    await recordSignIn(tx, a.tally, { userId: a.user.id, method: a.method, outcome: 'totp_enrolment_required', at: a.at });
    return failure('TOTP_NOT_ENROLLED', undefined, [], {
      email: a.user.email,
      totpSecret: secret,
      otpauthUri: otpauthUri(secret, totpLabel(a.user)),
    });
  }
  const step = totpStep(secret, a.totp, a.nowMs);
  if (step === null) return countFailure(tx, deps, a, failedBefore, 'wrong_code');
  await tx.users.setTotp(a.user.id, secret, true);
  await tx.users.acceptTotpStep(a.user.id, step);
  await appendAudit(tx, {
    kind: 'access',
    subject: `user:${a.user.id}`,
    actor: a.user.id,
    at: a.at,
    payload: { action: 'totp.enabled', userId: a.user.id, via: 'sign-in' },
  });
  return ok(null);
}

/** The second factor: needed when the person has TOTP on, or holds a role in access.passwords.totpRequiredFor. */
export async function secondFactor(tx: UnitOfWork, deps: SignInDeps, a: Attempt, failedBefore: number): Promise<Result<null, AppFailure>> {
  const required = a.user.roles.some((r) => a.policy.totpRequiredFor.includes(r));
  if (!a.credentials.totpEnabled) return required ? enrolAtSignIn(tx, deps, a, failedBefore) : ok(null);
  if (a.totp === undefined) {
    await recordSignIn(tx, a.tally, { userId: a.user.id, method: a.method, outcome: 'totp_required', at: a.at });
    return failure('TOTP_REQUIRED', undefined, [], { email: a.user.email });
  }
  const verdict = await spendTotpCode(tx, a.user.id, a.credentials.totpSecret!, a.totp, a.nowMs);
  if (verdict !== 'ok') return countFailure(tx, deps, a, failedBefore, verdict === 'wrong' ? 'wrong_code' : 'replayed_code');
  return ok(null);
}

/** The last step of every successful sign-in: a person whose roles open no console page has no session to get. */
export async function completeSignIn(tx: UnitOfWork, deps: SignInDeps, a: Attempt): Promise<Result<UserRecord, AppFailure>> {
  if (sessionRoles(a.user.roles).length === 0)
    return failure('FORBIDDEN', `${a.user.roles.join(', ')} may not sign in to the console (integration owners use API keys)`);
  if (a.credentials.failedSignIns > 0 || a.credentials.lockedUntil !== null) await tx.users.clearFailedSignIns(a.user.id);
  await recordSignIn(tx, a.tally, { userId: a.user.id, method: a.method, outcome: 'success', at: a.at });
  return ok(a.user);
}

/** Inside the transaction: lock, status, password, second factor, in that order. */
async function decide(tx: UnitOfWork, deps: SignInDeps, a: Attempt, passwordOk: boolean): Promise<Result<UserRecord, AppFailure>> {
  let failedBefore = a.credentials.failedSignIns;
  if (a.credentials.lockedUntil !== null) {
    if (a.credentials.lockedUntil > a.at) {
      await recordSignIn(tx, a.tally, { userId: a.user.id, method: a.method, outcome: 'locked', reason: 'locked', at: a.at });
      return failure('ACCOUNT_LOCKED', `locked until ${a.credentials.lockedUntil}`, [], { lockedUntil: a.credentials.lockedUntil });
    }
    // The lock has run out: the count starts again (otherwise one more mistake would lock at once).
    await tx.users.clearFailedSignIns(a.user.id);
    failedBefore = 0;
  }
  if (a.user.status !== 'active') {
    await recordSignIn(tx, a.tally, { userId: a.user.id, method: a.method, outcome: 'failed', reason: 'not_active', at: a.at });
    return failure('SIGN_IN_FAILED');
  }
  if (!passwordOk) return countFailure(tx, deps, a, failedBefore, a.credentials.passwordHash === null ? 'no_password' : 'wrong_password');
  const second = await secondFactor(tx, deps, a, failedBefore);
  if (!second.ok) return second;
  return completeSignIn(tx, deps, { ...a, credentials: { ...a.credentials, failedSignIns: failedBefore } });
}

/**
 * Console sign-in with e-mail and password (docs/access.md "Local passwords, TOTP and sign-in links").
 * A wrong e-mail, password or code all answer SIGN_IN_FAILED, and the scrypt work is done even for an
 * unknown e-mail, so neither the answer nor its timing says whether someone has an account. Every
 * attempt is audited and counted.
 */
export async function signInWithPassword(
  deps: SignInDeps,
  input: { readonly email: string; readonly password: string; readonly totp?: string | undefined },
): Promise<Result<UserRecord, AppFailure>> {
  const email = input.email.trim().toLowerCase();
  const user = await deps.store.users.findByEmail(email);
  const known = user ? await deps.store.users.credentials(user.id) : undefined;
  const passwordOk = await verifyPassword(input.password, known?.passwordHash ?? null);
  const nowMs = deps.clock.now();
  const at = toIso(nowMs);
  const tally = new SignInTally();
  const result = await deps.store.transaction(async (tx) => {
    tally.restart();
    // Re-read in the transaction: another instance may have counted a failure meanwhile.
    const credentials = user ? await tx.users.credentials(user.id) : undefined;
    if (!user || !credentials) {
      const unknown = { userId: null, unknownEmail: email, method: 'password', outcome: 'failed', reason: 'unknown_email', at } as const;
      await recordSignIn(tx, tally, unknown);
      return failure('SIGN_IN_FAILED');
    }
    const policy = passwordPolicy(deps);
    return decide(tx, deps, { user, credentials, method: 'password', totp: input.totp, nowMs, at, policy, tally }, passwordOk);
  });
  tally.count(deps);
  return result;
}
