import { checkFactTime } from '../../domain/lifecycle/fact-time.ts';
import { conductPolicyOf } from '../../domain/org/conduct-policy.schema.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** What is recorded with a fact dated further back than the org's bound (only compliance may). */
export interface Backdating {
  readonly hours: number;
  readonly boundHours: number;
  readonly roles: Principal['roles'];
}

/**
 * Finding W4: the time a conduct fact or consent grant is dated, checked against the lead and the
 * org's `conduct.factBackdatingHours`. Refusals name `/body/at` and carry the domain reason code.
 */
export function guardFactTime(
  ctx: Pick<ServiceContext, 'orgs'>,
  principal: Pick<Principal, 'roles'>,
  lead: Pick<LeadRecord, 'receivedAt'>,
  at: number,
  now: number,
): Result<{ readonly backdating: Backdating | null }, AppFailure> {
  const boundHours = conductPolicyOf(ctx.orgs.current.config.conduct).factBackdatingHours;
  const check = checkFactTime({
    at,
    now,
    leadReceivedAt: Date.parse(lead.receivedAt),
    maxBackdatingMs: boundHours * 3_600_000,
    mayExceedBound: principal.roles.includes('compliance'),
  });
  if (check.kind === 'refused') {
    return failure('ARGUMENT_INVALID', check.detail, [{ path: '/body/at', message: `${check.reasonCode}: ${check.detail}` }], {
      reasonCode: check.reasonCode,
    });
  }
  const beyond = check.beyondBound;
  return ok({
    backdating: beyond ? { hours: Math.round((beyond.backdatedMs / 3_600_000) * 100) / 100, boundHours, roles: principal.roles } : null,
  });
}
