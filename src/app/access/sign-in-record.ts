import { sha256Hex } from '../../domain/shared/canonical-json.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { ServiceContext } from '../shared/service-context.ts';

export type SignInOutcome = 'success' | 'failed' | 'locked' | 'totp_required' | 'totp_enrolment_required';

/** Why a sign-in failed, for the audit trail only: the caller always hears the same SIGN_IN_FAILED. */
export type SignInFailureReason =
  'unknown_email' | 'no_password' | 'wrong_password' | 'wrong_code' | 'replayed_code' | 'not_active' | 'locked';

export interface SignInEvent {
  readonly userId: string | null;
  /** Only when no person has it: the audit trail keeps its SHA-256, never what was typed (it may be a password). */
  readonly unknownEmail?: string;
  readonly method: 'password' | 'link';
  readonly outcome: SignInOutcome;
  readonly reason?: SignInFailureReason;
  readonly failedSignIns?: number;
  readonly lockedUntil?: string | null;
  readonly at: string;
}

/**
 * Sign-in outcomes noted inside a transaction and counted in remit_sign_ins_total{method,outcome} once it
 * has committed: a transaction may be re-run (busy lock, serialisation failure), so `restart` at its top.
 */
export class SignInTally {
  #noted: { method: SignInEvent['method']; outcome: SignInOutcome }[] = [];
  restart(): void {
    this.#noted = [];
  }
  note(method: SignInEvent['method'], outcome: SignInOutcome): void {
    this.#noted.push({ method, outcome });
  }
  count(ctx: Pick<ServiceContext, 'metrics'>): void {
    for (const n of this.#noted) ctx.metrics.signIns.inc(n);
    this.#noted = [];
  }
}

/**
 * Every password or link sign-in attempt, in the audit trail (kind access; docs/access.md), noted in
 * `tally` for the metrics. Never the password or code. A successful sign-in is the person's own act;
 * anything else is attributed to `anonymous` (nobody proved who they were).
 */
export async function recordSignIn(tx: UnitOfWork, tally: SignInTally, e: SignInEvent): Promise<void> {
  const emailSha256 = e.unknownEmail === undefined ? undefined : sha256Hex(e.unknownEmail);
  await appendAudit(tx, {
    kind: 'access',
    subject: e.userId === null ? 'sign-in:unknown-email' : `user:${e.userId}`,
    actor: e.outcome === 'success' && e.userId !== null ? e.userId : 'anonymous',
    at: e.at,
    payload: {
      action: e.outcome === 'success' ? 'sign_in.succeeded' : e.outcome === 'locked' ? 'sign_in.locked' : `sign_in.${e.outcome}`,
      method: e.method,
      userId: e.userId,
      reason: e.reason,
      emailSha256,
      failedSignIns: e.failedSignIns,
      lockedUntil: e.lockedUntil ?? undefined,
    },
  });
  tally.note(e.method, e.outcome);
}
