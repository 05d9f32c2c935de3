import type { Principal } from '../../domain/access/principal.ts';
import { awayAt } from '../../domain/eligibility/rep-presence.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { PresenceStatus, RepPresenceRecord } from '../../store/ports/rep-presence.port.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** What a caller asks for: away (optionally until a time, with a reason) or back (available). */
export interface PresenceInput {
  readonly status: PresenceStatus;
  readonly until?: string | undefined;
  readonly reason?: string | undefined;
}

/** A rep's presence as the API shows it: `status` is what routing applies now (an away whose `until` passed is available). */
export interface PresenceView {
  readonly repId: string;
  readonly status: PresenceStatus;
  readonly since: string | null;
  readonly until: string | null;
  readonly setBy: string | null;
  readonly reason: string | null;
}

const viewOf = (repId: string, rec: RepPresenceRecord | undefined, now: number): PresenceView => {
  if (!rec) return { repId, status: 'available', since: null, until: null, setBy: null, reason: null };
  const away = rec.status === 'away' && awayAt({ since: rec.since, until: rec.until, reason: rec.reason }, now);
  return { repId, status: away ? 'away' : 'available', since: rec.since, until: rec.until, setBy: rec.setBy, reason: rec.reason };
};

/** Ops and admin act for any rep; a rep only for themselves (the rep they are linked to). 404 first: an unknown rep is unknown to all. */
function mayActFor(ctx: ServiceContext, principal: Principal, repId: string, verb: string): Result<null, AppFailure> {
  if (!ctx.orgs.current.repsById.has(repId)) return failure('NOT_FOUND', `no rep ${repId} in the current org`);
  if (principal.roles.some((r) => r === 'admin' || r === 'ops' || (verb === 'read' && r === 'compliance'))) return ok(null);
  if (principal.repId === repId) return ok(null);
  return failure('FORBIDDEN', `a rep may ${verb} only their own presence (${principal.repId ?? 'no rep linked'}), not ${repId}'s`);
}

/** The rep's presence now. */
export async function getRepPresence(ctx: ServiceContext, principal: Principal, repId: string): Promise<Result<PresenceView, AppFailure>> {
  const allowed = mayActFor(ctx, principal, repId, 'read');
  if (!allowed.ok) return allowed;
  return ok(viewOf(repId, await ctx.store.repPresence.get(repId), ctx.clock.now()));
}

function checkInput(input: PresenceInput, now: number): Result<null, AppFailure> {
  if (input.until === undefined) return ok(null);
  if (input.status !== 'away')
    return failure('ARGUMENT_INVALID', undefined, [{ path: '/body/until', message: 'only an away status ends' }]);
  if (Date.parse(input.until) <= now)
    return failure('ARGUMENT_INVALID', undefined, [{ path: '/body/until', message: `must be in the future (now is ${toIso(now)})` }]);
  return ok(null);
}

/**
 * Marks a rep away or back (docs/access.md "Rep self-service"). Takes the rep's routing lock first, so
 * the change is ordered with the decisions that may pick the rep: a decision after it reads it (REP_AWAY),
 * one before it did not. Leads already assigned stay where they are. Audited with before and after.
 */
export async function setRepPresence(
  ctx: ServiceContext,
  principal: Principal,
  repId: string,
  input: PresenceInput,
): Promise<Result<PresenceView, AppFailure>> {
  const allowed = mayActFor(ctx, principal, repId, 'set');
  if (!allowed.ok) return allowed;
  return ctx.store.transaction(async (tx) => {
    await tx.routingState.lockScope({ pools: [], repIds: [repId] });
    const now = ctx.clock.now();
    const checked = checkInput(input, now);
    if (!checked.ok) return checked;
    const before = await tx.repPresence.get(repId);
    const record: RepPresenceRecord = {
      repId,
      status: input.status,
      since: toIso(now),
      until: input.until ? toIso(Date.parse(input.until)) : null,
      setBy: principal.userId,
      reason: input.reason?.trim() || null,
    };
    await tx.repPresence.put(record);
    await appendAudit(tx, {
      kind: 'org_change',
      subject: `rep:${repId}`,
      actor: principal.userId,
      at: record.since,
      payload: { action: 'rep.presence', repId, roles: principal.roles, before: before ? { ...before } : null, after: { ...record } },
    });
    return ok(viewOf(repId, record, now));
  });
}
