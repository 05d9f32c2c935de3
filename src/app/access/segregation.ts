import type { Principal } from '../../domain/access/principal.ts';
import { checkSegregation, type PersonFacts } from '../../domain/access/segregation-of-duties.ts';
import { accessPolicyOf } from '../../domain/org/access-policy.schema.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

async function factsOf(tx: UnitOfWork, userId: string): Promise<PersonFacts | undefined> {
  const user = await tx.users.get(userId);
  if (!user) return undefined;
  const grants = await tx.users.grants(userId);
  return { id: user.id, createdAt: user.createdAt, createdBy: user.createdBy, grants };
}

/**
 * Whether `approver` may decide what `requesterId` asked for (docs/access.md "Segregation of duties"),
 * by person: the same person with another key is still the same person, and someone one of them
 * created or promoted within the org's `access.segregation.recentDays` is not independent.
 */
export async function checkIndependentApprover(
  tx: UnitOfWork,
  ctx: Pick<ServiceContext, 'clock'> & { readonly orgs?: ServiceContext['orgs'] | undefined },
  approver: Principal,
  requesterId: string,
): Promise<Result<null, AppFailure>> {
  const approverFacts = (await factsOf(tx, approver.userId)) ?? { id: approver.userId, createdAt: '', createdBy: '', grants: [] };
  const verdict = checkSegregation({
    approver: approverFacts,
    requester: await factsOf(tx, requesterId),
    requesterId,
    now: ctx.clock.now(),
    recentDays: accessPolicyOf(ctx.orgs?.current.config ?? {}).segregation.recentDays,
  });
  if (verdict.ok) return ok(null);
  if (verdict.reason === 'APPROVER_IS_REQUESTER')
    return failure('FOUR_EYES_VIOLATION', 'the approver is the person who requested this (with whichever key or session)', [], {
      reasonCode: verdict.reason,
    });
  return failure('SEGREGATION_OF_DUTIES', verdict.detail, [], { reasonCode: verdict.reason });
}
