import type { PersonRole } from './roles.ts';

/**
 * Segregation of duties by person (docs/access.md). A four-eyes approval needs a second, independent
 * person: not the requester, and not someone who made either of them what they are recently — who
 * created the other's account or granted them a role within the last `recentDays`. Both directions
 * count: an admin who creates a compliance officer and has them approve the admin's own request is
 * one person acting twice, exactly as the compliance officer who created the requester would be.
 * Pure: the use case loads both people's records and passes the time.
 */

export interface RoleGrantFact {
  readonly role: PersonRole;
  readonly grantedAt: string;
  readonly grantedBy: string;
}

export interface PersonFacts {
  readonly id: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly grants: readonly RoleGrantFact[];
}

export type SegregationReason =
  | 'APPROVER_IS_REQUESTER'
  | 'APPROVER_CREATED_REQUESTER'
  | 'APPROVER_GRANTED_REQUESTER_ROLE'
  | 'REQUESTER_CREATED_APPROVER'
  | 'REQUESTER_GRANTED_APPROVER_ROLE';

export type SegregationVerdict =
  { readonly ok: true } | { readonly ok: false; readonly reason: SegregationReason; readonly detail: string };

const DAY_MS = 86_400_000;

/** Who made `subject` what it is within the window: its creator, or the granter of one of its roles. */
function madeBy(subject: PersonFacts, actorId: string, since: number): 'created' | RoleGrantFact | null {
  if (subject.createdBy === actorId && Date.parse(subject.createdAt) >= since) return 'created';
  return subject.grants.find((g) => g.grantedBy === actorId && Date.parse(g.grantedAt) >= since) ?? null;
}

export function checkSegregation(input: {
  readonly approver: PersonFacts;
  /** Undefined when the requester is not a person (the system itself). */
  readonly requester: PersonFacts | undefined;
  readonly requesterId: string;
  readonly now: number;
  readonly recentDays: number;
}): SegregationVerdict {
  const { approver, requester, now, recentDays } = input;
  if (approver.id === input.requesterId)
    return { ok: false, reason: 'APPROVER_IS_REQUESTER', detail: 'the approver requested this themselves' };
  if (!requester) return { ok: true };
  const since = now - recentDays * DAY_MS;
  return (
    madeOther(madeBy(requester, approver.id, since), 'approver', 'requester', recentDays) ??
    madeOther(madeBy(approver, requester.id, since), 'requester', 'approver', recentDays) ?? { ok: true }
  );
}

/** The reason code when one of the two made the other what they are: by maker, then by how. */
const MADE_REASONS = {
  approver: { created: 'APPROVER_CREATED_REQUESTER', granted: 'APPROVER_GRANTED_REQUESTER_ROLE' },
  requester: { created: 'REQUESTER_CREATED_APPROVER', granted: 'REQUESTER_GRANTED_APPROVER_ROLE' },
} as const satisfies Record<'approver' | 'requester', Record<'created' | 'granted', SegregationReason>>;

/** The refusal when `maker` made `made` what it is within the window (created their account or granted a role), else null. */
function madeOther(
  how: 'created' | RoleGrantFact | null,
  maker: 'approver' | 'requester',
  made: 'approver' | 'requester',
  recentDays: number,
): SegregationVerdict | null {
  if (how === null) return null;
  const what = how === 'created' ? `created the ${made}'s account` : `granted the ${made} the ${how.role} role`;
  const reason = MADE_REASONS[maker][how === 'created' ? 'created' : 'granted'];
  return { ok: false, reason, detail: `the ${maker} ${what} within ${recentDays} days` };
}
