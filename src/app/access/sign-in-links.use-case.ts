import { randomBytes } from 'node:crypto';
import { passwordProblems } from '../../domain/access/password-policy.ts';
import { remitError } from '../../domain/errors/error-catalogue.ts';
import { err, ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { SignInLinkRecord, UserRecord } from '../../store/ports/users.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { hashSecret } from './api-keys.ts';
import { hashPassword } from './password-hash.ts';
import { completeSignIn, passwordPolicy, secondFactor, type SignInDeps } from './password-sign-in.use-case.ts';
import { SignInTally } from './sign-in-record.ts';

type Purpose = SignInLinkRecord['purpose'];

/** How long a link works: a welcome may wait for the weekend; a reset is for now. */
const LINK_HOURS: Readonly<Record<Purpose, number>> = { welcome: 72, reset: 1 };

/** The console page that takes the token; the token travels in the fragment, so it never reaches a server log. */
export const signInLinkUrl = (baseUrl: string, token: string): string => `${baseUrl.replace(/\/+$/, '')}/welcome#token=${token}`;

/**
 * A one-time sign-in link for a person (docs/access.md): a random 256-bit token of which only the
 * SHA-256 is stored; welcome (72 h) for someone without a password, reset (1 h) otherwise, unless
 * `purpose` says. Audited; the token is returned once, inside the URL.
 */
export async function createSignInLink(
  deps: Pick<ServiceContext, 'store' | 'clock'>,
  actorId: string,
  userId: string,
  opts: { readonly purpose?: Purpose | undefined; readonly baseUrl: string },
  inTransaction?: UnitOfWork,
): Promise<Result<{ url: string; expiresAt: string; purpose: Purpose; userId: string }, AppFailure>> {
  const nowMs = deps.clock.now();
  const run = async (tx: UnitOfWork) => {
    const user = await tx.users.get(userId);
    if (!user) return failure('NOT_FOUND', `no person ${userId}`);
    if (user.status !== 'active') return failure('CONFLICT', `${user.name} is ${user.status}: a sign-in link would not work`);
    const hasPassword = (await tx.users.credentials(userId))?.passwordHash != null;
    const purpose = opts.purpose ?? (hasPassword ? 'reset' : 'welcome');
    const token = randomBytes(32).toString('base64url');
    const record: SignInLinkRecord = {
      tokenHash: hashSecret(token),
      userId,
      purpose,
      createdAt: toIso(nowMs),
      createdBy: actorId,
      expiresAt: toIso(nowMs + LINK_HOURS[purpose] * 3_600_000),
    };
    await tx.signInLinks.create(record);
    await appendAudit(tx, {
      kind: 'access',
      subject: `user:${userId}`,
      actor: actorId,
      at: record.createdAt,
      payload: { action: 'sign_in_link.created', userId, purpose, expiresAt: record.expiresAt },
    });
    return ok({ url: signInLinkUrl(opts.baseUrl, token), expiresAt: record.expiresAt, purpose, userId });
  };
  return inTransaction ? run(inTransaction) : deps.store.transaction(run);
}

/** Thrown inside a transaction to roll it back (the link is not spent) and answer with a failure. */
class RollBack extends Error {
  readonly failure: AppFailure;
  constructor(f: AppFailure) {
    super(f.message);
    this.failure = f;
  }
}

async function setPasswordFromLink(tx: UnitOfWork, deps: SignInDeps, token: string, password: string, hash: string, at: string) {
  const link = await tx.signInLinks.consume(hashSecret(token), at);
  if (!link) return failure('SIGN_IN_LINK_INVALID');
  const user = await tx.users.get(link.userId);
  if (!user || user.status !== 'active') return failure('SIGN_IN_LINK_INVALID', 'the person this link was for may not sign in');
  const problems = passwordProblems(password, { minLength: passwordPolicy(deps).minLength, email: user.email, path: '/body/password' });
  if (problems.length > 0) throw new RollBack(remitError('ARGUMENT_INVALID', 'the password breaks the password rules', problems));
  await tx.users.setPassword(user.id, hash);
  await appendAudit(tx, {
    kind: 'access',
    subject: `user:${user.id}`,
    actor: user.id,
    at,
    payload: { action: 'password.set', userId: user.id, via: `sign_in_link.${link.purpose}`, linkCreatedBy: link.createdBy },
  });
  return ok(user);
}

/**
 * Uses a one-time link (POST /v1/session/link): sets the person's password and signs them in (method
 * link). A password that breaks the rules leaves the link unspent. When a second factor is needed the
 * password is set, the link spent, and the answer is TOTP_REQUIRED or TOTP_NOT_ENROLLED (with
 * `passwordSet: true`): the person then signs in with e-mail, password and code.
 */
export async function useSignInLink(
  deps: SignInDeps,
  input: { readonly token: string; readonly password: string },
): Promise<Result<UserRecord, AppFailure>> {
  const early = passwordProblems(input.password, { minLength: passwordPolicy(deps).minLength, email: null, path: '/body/password' });
  if (early.length > 0) return failure('ARGUMENT_INVALID', 'the password breaks the password rules', early);
  const hash = await hashPassword(input.password);
  const nowMs = deps.clock.now();
  const at = toIso(nowMs);
  const tally = new SignInTally();
  try {
    return await deps.store.transaction(async (tx) => {
      tally.restart();
      const set = await setPasswordFromLink(tx, deps, input.token, input.password, hash, at);
      if (!set.ok) return set;
      const credentials = (await tx.users.credentials(set.value.id))!;
      const attempt = {
        user: set.value,
        credentials,
        method: 'link' as const,
        totp: undefined,
        nowMs,
        at,
        policy: passwordPolicy(deps),
        tally,
      };
      const second = await secondFactor(tx, deps, attempt, 0);
      if (!second.ok) return err({ ...second.error, extra: { ...second.error.extra, passwordSet: true } });
      return completeSignIn(tx, deps, attempt);
    });
  } catch (e) {
    if (e instanceof RollBack) return err(e.failure);
    throw e;
  } finally {
    tally.count(deps);
  }
}
