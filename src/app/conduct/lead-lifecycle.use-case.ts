import { withWarnings } from '../../domain/sla/sla-warning.ts';
import type { CoolingOffEvent } from '../../domain/conduct/rule-pack.schema.ts';
import { isLeadState, type LeadState } from '../../domain/lifecycle/lead-state.ts';
import { transition, type LifecycleEvent } from '../../domain/lifecycle/transition.ts';
import type { LifecycleTarget } from '../../domain/lifecycle/lifecycle-targets.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { holdsRepCapacity, type LeadStatus } from '../../domain/lead/lead-status.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { conductPacks } from './conduct-packs.ts';
import { CONDUCT_EVENTS, coolingOffFacts, loadConductView, recordedFacts } from './lead-conduct-view.ts';
import { canSee } from '../queries/lead-queries.ts';
import { guardFactTime, type Backdating } from './fact-time-guard.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** Statuses in which the lead counts against its rep's open capacity. */
/** Leaving the rep's pipeline frees the rep's open capacity. */
const CLOSING: readonly LeadState[] = ['WON', 'LOST', 'NURTURE'];
/** Facts the lifecycle records itself when a step is taken (so later cooling-off windows can count from them). */
const STEP_FACTS: Partial<Record<LeadState, CoolingOffEvent>> = {
  CONTACTED: 'first_contact',
  PROPOSAL: 'proposal_made',
  WON: 'contract_concluded',
};

export interface TransitionOutcome {
  readonly leadId: string;
  readonly from: LeadState;
  readonly to: LeadState;
  readonly at: string;
  readonly event: LifecycleEvent;
  /** SLA timers stopped by this move. */
  readonly slaTimersStopped: number;
  /** true when the rep's open capacity was freed (WON / LOST / NURTURE). */
  readonly capacityReleased: boolean;
}

/** Appends a fact as a lead event; first occurrence of each fact is what cooling-off counts from. */
export async function appendFact(
  tx: UnitOfWork,
  leadId: string,
  actor: string,
  fact: { event?: CoolingOffEvent; at: string; flags?: readonly string[]; source: string; backdating?: Backdating },
): Promise<void> {
  await tx.events.append({ leadId, kind: CONDUCT_EVENTS.fact, actor, at: fact.at, payloadJson: JSON.stringify(fact) });
}

/**
 * docs/conduct.md: a server-enforced lifecycle move. The transition table first, then any cooling-off window
 * from the packs guarding the target (counted from the recorded facts). A refused move is recorded
 * (lead history + audit) and answered with the domain reason code and earliestAllowedAt. ACCEPTED
 * stops the acceptance timer; the first CONTACTED records first contact and stops the first-contact
 * timer; WON / LOST / NURTURE free the rep's open capacity (under the rep's routing lock).
 */
export async function transitionLead(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  input: { to: LifecycleTarget; reason?: string | undefined },
): Promise<Result<TransitionOutcome, AppFailure>> {
  const packs = await conductPacks(ctx);
  return ctx.store.transaction(async (tx) => {
    const view = await loadConductView(tx, leadId, { lock: true });
    if (!view || !canSee(principal, view.record)) return failure('NOT_FOUND', `no lead ${leadId}`);
    const org = ctx.orgs.current;
    const now = ctx.clock.now();
    const at = toIso(now);
    const from = view.record.status;
    const result = transition(from as LeadState, input.to, {
      at: now,
      actor: principal.userId,
      reason: input.reason,
      coolingOff: { table: packs.coolingOff, facts: coolingOffFacts(view, org) },
    });
    if (!result.ok) {
      const blocked = { roles: principal.roles, repId: view.record.repId, attempt: result.event };
      await recordLeadEvents(tx, ctx, [{ kind: 'lifecycle.blocked', leadId, actor: principal.userId, at, ...blocked }]);
      return refusal(result, from, input.to);
    }
    const to = result.next;
    if (!isLeadState(from)) throw new Error(`lead ${leadId}: status ${from} passed the lifecycle check`);
    let capacityReleased = false;
    if (CLOSING.includes(to) && holdsRepCapacity(from) && view.record.repId) {
      await tx.routingState.lockScope({ pools: [], repIds: [view.record.repId] });
      await tx.routingState.releaseOpen(view.record.repId);
      capacityReleased = true;
    }
    await tx.leads.update(leadId, {
      status: to as LeadStatus,
      teamId: view.record.teamId,
      repId: view.record.repId,
      orgHash: view.record.orgHash,
      updatedAt: at,
    });
    const slaTimersStopped = await stopSlaTimers(tx, leadId, to, at, principal.userId);
    const moved = {
      roles: principal.roles,
      repId: view.record.repId,
      teamId: view.record.teamId,
      from,
      to,
      move: result.event,
      capacityReleased,
      slaTimersStopped,
    };
    await recordLeadEvents(tx, ctx, [{ kind: 'lifecycle.transitioned', leadId, actor: principal.userId, at, ...moved }]);
    const fact = STEP_FACTS[to];
    if (fact && recordedFacts(view.events).events[fact] === undefined)
      await appendFact(tx, leadId, principal.userId, { event: fact, at, source: `transition to ${to}` });
    return ok({ leadId, from, to, at, event: result.event, slaTimersStopped, capacityReleased });
  });
}

/** The answer to a refused move: the domain reason code, and when it may be tried again. */
function refusal(result: Extract<ReturnType<typeof transition>, { ok: false }>, from: string, to: LifecycleTarget) {
  const extra = {
    reasonCode: result.code,
    from,
    to,
    earliestAllowedAt: result.earliestAllowedAt ?? null,
    ...(result.coolingOff ? { coolingOff: result.coolingOff } : {}),
    ...(result.allowedTargets ? { allowedTargets: result.allowedTargets } : {}),
  };
  const cooling =
    result.code === 'COOLING_OFF_ACTIVE' || result.code === 'COOLING_OFF_EVENT_MISSING' || result.code === 'CUSTOMER_TIME_ZONE_UNKNOWN';
  const details = [{ path: '/body/to', message: `${result.code}: ${result.detail}` }];
  return failure(cooling ? 'COOLING_OFF_BLOCKED' : 'TRANSITION_NOT_ALLOWED', result.detail, details, extra);
}

/** ACCEPTED stops the acceptance timer (and its warning), CONTACTED both, a closing state every pending one. Returns how many stopped. */
async function stopSlaTimers(tx: UnitOfWork, leadId: string, to: LeadState, at: string, actor: string): Promise<number> {
  if (to === 'ACCEPTED') return tx.slaTimers.cancelPending(leadId, { kinds: withWarnings(['accept']), at, by: `accepted by ${actor}` });
  if (to === 'CONTACTED')
    return tx.slaTimers.cancelPending(leadId, { kinds: withWarnings(['accept', 'first_contact']), at, by: `contacted (${actor})` });
  if (CLOSING.includes(to)) return tx.slaTimers.cancelPending(leadId, { at, by: `lead ${to}` });
  return 0;
}

export const FACT_EVENTS = ['information_provided', 'soa_signed'] as const;

/**
 * Records a lifecycle fact a cooling-off window may count from (information provided, scope of
 * appointment signed) and/or flags of the sale (distance_contract, replacement, senior, soa_exception).
 * First contact, proposal and contract are recorded by the outreach log and the lifecycle itself.
 */
export async function recordLeadFact(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  input: { event?: (typeof FACT_EVENTS)[number] | undefined; flags?: readonly string[] | undefined; at?: string | undefined },
): Promise<Result<{ leadId: string; events: Partial<Record<CoolingOffEvent, string>>; flags: readonly string[] }, AppFailure>> {
  return ctx.store.transaction(async (tx) => {
    const view = await loadConductView(tx, leadId, { lock: true });
    if (!view || !canSee(principal, view.record)) return failure('NOT_FOUND', `no lead ${leadId}`);
    const now = ctx.clock.now();
    const at = input.at ? toIso(Date.parse(input.at)) : toIso(now);
    const dated = guardFactTime(ctx, principal, view.record, Date.parse(at), now);
    if (!dated.ok) return dated;
    const { backdating } = dated.value;
    const flags = input.flags && input.flags.length > 0 ? { flags: [...input.flags] } : {};
    await appendFact(tx, leadId, principal.userId, {
      ...(input.event ? { event: input.event } : {}),
      at,
      ...flags,
      source: 'api',
      ...(backdating ? { backdating } : {}),
    });
    await appendAudit(tx, {
      kind: 'lifecycle',
      subject: leadId,
      actor: principal.userId,
      at: toIso(now),
      payload: { action: 'fact', event: input.event ?? null, factAt: at, flags: input.flags ?? [], roles: principal.roles, backdating },
    });
    const facts = recordedFacts(await tx.events.listForLead(leadId));
    return ok({ leadId, events: Object.fromEntries(Object.entries(facts.events).map(([k, v]) => [k, toIso(v)])), flags: facts.flags });
  });
}
