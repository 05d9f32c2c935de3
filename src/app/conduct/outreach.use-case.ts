import { withWarnings } from '../../domain/sla/sla-warning.ts';
import { checkOutreach } from '../../domain/conduct/check-outreach.ts';
import type { OutreachDecision } from '../../domain/conduct/outreach-input.ts';
import type { Channel, Purpose } from '../../domain/conduct/rule-pack.schema.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { LeadStatus } from '../../domain/lead/lead-status.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import { PHONE_CHANNELS } from '../../domain/conduct/channels.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { conductPacks } from './conduct-packs.ts';
import { guardFactTime } from './fact-time-guard.ts';
import { assembleOutreachInput, CONDUCT_EVENTS, loadConductView, recordedFacts, type LeadConductView } from './lead-conduct-view.ts';
import { appendFact } from './lead-lifecycle.use-case.ts';
import { canSee } from '../queries/lead-queries.ts';
import type { ServiceContext } from '../shared/service-context.ts';

export interface OutreachCheckInput {
  readonly channel: Channel;
  /** Financial promotion / template id. */
  readonly templateId?: string | undefined;
  readonly promotionId?: string | undefined;
  /** ISO instant; default now (checks only: a recorded outreach is always now). */
  readonly at?: string | undefined;
  readonly subject?: string | undefined;
  readonly purpose?: Purpose | undefined;
  readonly automated?: { readonly autodialled: boolean; readonly prerecorded: boolean } | undefined;
}

/** A rep works a lead only while it is in their pipeline; held, refused or queued leads never reach sales. */
const CONTACTABLE: readonly LeadStatus[] = ['ASSIGNED', 'ACCEPTED', 'CONTACTED', 'QUALIFIED', 'PROPOSAL', 'WON'];

function missingAddress(view: LeadConductView, channel: Channel): string | null {
  if (PHONE_CHANNELS.includes(channel) && !view.phone) return `no phone number on record for lead ${view.record.id}`;
  if (channel === 'email' && !view.email) return `no email address on record for lead ${view.record.id}`;
  return null;
}

async function evaluate(
  ctx: ServiceContext,
  tx: UnitOfWork,
  view: LeadConductView,
  input: OutreachCheckInput,
  at: number,
): Promise<OutreachDecision> {
  const packs = await conductPacks(ctx);
  const templateId = input.templateId ?? input.promotionId ?? null;
  const outreach = await assembleOutreachInput(tx, view, ctx.orgs.current, {
    channel: input.channel,
    at,
    templateId,
    subject: input.subject,
    purpose: input.purpose,
    automated: input.automated,
  });
  return checkOutreach(outreach, packs.outreach);
}

/**
 * docs/conduct.md: may this outreach happen (at `at`, default now)? allow / deny with every rule that
 * applied, nextAllowedAt and alerts (stale DNC scrub …). Nothing is recorded on the lead; the check
 * itself goes to the audit trail.
 */
export async function checkLeadOutreach(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  input: OutreachCheckInput,
): Promise<Result<OutreachDecision & { leadId: string }, AppFailure>> {
  await conductPacks(ctx);
  return ctx.store.transaction(async (tx) => {
    const view = await loadConductView(tx, leadId, { lock: false });
    if (!view || !canSee(principal, view.record)) return failure('NOT_FOUND', `no lead ${leadId}`);
    const missing = missingAddress(view, input.channel);
    if (missing) return failure('CONFLICT', missing);
    const now = ctx.clock.now();
    const at = input.at ? Date.parse(input.at) : now;
    const decision = await evaluate(ctx, tx, view, input, at);
    await appendAudit(tx, {
      kind: 'outreach',
      subject: leadId,
      actor: principal.userId,
      at: toIso(now),
      payload: { action: 'outreach.checked', roles: principal.roles, repId: view.record.repId, ...decision },
    });
    return ok({ leadId, ...decision });
  });
}

export interface RecordedOutreach {
  readonly id: string;
  readonly leadId: string;
  readonly at: string;
  readonly firstContact: boolean;
  readonly slaTimersStopped: number;
  readonly decision: OutreachDecision;
}

/** A denied outreach is not recorded, but the refusal is (history and audit); the answer names the failed rules. */
async function deny(
  tx: UnitOfWork,
  ctx: ServiceContext,
  principal: Principal,
  view: LeadConductView,
  channel: Channel,
  decision: OutreachDecision,
  at: string,
) {
  const failed = decision.rules.filter((r) => r.result === 'fail');
  const denial = {
    channel,
    failed: failed.map((r) => ({ id: r.id, reasonCode: r.reasonCode })),
    nextAllowedAt: decision.nextAllowedAt,
    roles: principal.roles,
    repId: view.record.repId,
    verdict: decision,
  };
  await recordLeadEvents(tx, ctx, [{ kind: 'outreach.denied', leadId: view.record.id, actor: principal.userId, at, ...denial }]);
  return failure(
    'OUTREACH_DENIED',
    `outreach by ${channel} denied: ${failed.map((r) => `${r.id} ${r.reasonCode}`).join('; ')}`,
    failed.map((r) => ({ path: `rules.${r.id}`, message: `${r.reasonCode}: ${r.detail}` })),
    {
      decision: decision.decision,
      nextAllowedAt: decision.nextAllowedAt,
      rules: decision.rules,
      alerts: decision.alerts,
      packs: decision.packs,
    },
  );
}

/**
 * Records an outreach that happens now, ONLY if the gate allows it now: the gate is re-run inside the
 * same transaction, with the lead row locked, so two concurrent attempts cannot both slip under a
 * cap. A denied one is not recorded (422 with the rules; the refusal is kept in history and audit).
 * The first recorded outreach is the lead's first contact: it stops the SLA timers and starts the
 * cooling-off windows that count from first contact.
 */
export async function recordLeadOutreach(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  input: Omit<OutreachCheckInput, 'at'>,
): Promise<Result<RecordedOutreach, AppFailure>> {
  await conductPacks(ctx);
  return ctx.store.transaction(async (tx) => {
    const view = await loadConductView(tx, leadId, { lock: true });
    if (!view || !canSee(principal, view.record)) return failure('NOT_FOUND', `no lead ${leadId}`);
    if (!CONTACTABLE.includes(view.record.status))
      return failure('CONFLICT', `lead ${leadId} is ${view.record.status}: only an assigned lead may be contacted`);
    const missing = missingAddress(view, input.channel);
    if (missing) return failure('CONFLICT', missing);
    const now = ctx.clock.now();
    const at = toIso(now);
    const decision = await evaluate(ctx, tx, view, input, now);
    if (decision.decision === 'deny') {
      return deny(tx, ctx, principal, view, input.channel, decision, at);
    }
    const id = ctx.ids.next('out');
    const templateId = input.templateId ?? input.promotionId ?? null;
    await tx.conduct.appendOutreach({
      id,
      leadId,
      channel: input.channel,
      subject: input.subject ?? view.lead.product,
      templateId,
      phone: PHONE_CHANNELS.includes(input.channel) ? view.phone : null,
      repId: view.record.repId,
      actor: principal.userId,
      at,
      decisionJson: JSON.stringify(decision),
    });
    const firstContact = recordedFacts(view.events).events.first_contact === undefined;
    let slaTimersStopped = 0;
    await tx.events.append({
      leadId,
      kind: CONDUCT_EVENTS.outreachRecorded,
      actor: principal.userId,
      at,
      payloadJson: JSON.stringify({
        outreachId: id,
        channel: input.channel,
        templateId,
        subject: input.subject ?? view.lead.product,
        repId: view.record.repId,
        firstContact,
      }),
    });
    if (firstContact) {
      await appendFact(tx, leadId, principal.userId, { event: 'first_contact', at, source: `outreach ${id}` });
      slaTimersStopped = await tx.slaTimers.cancelPending(leadId, {
        kinds: withWarnings(['accept', 'first_contact']),
        at,
        by: `first contact (${id})`,
      });
    }
    await appendAudit(tx, {
      kind: firstContact ? 'contact' : 'outreach',
      subject: leadId,
      actor: principal.userId,
      at,
      payload: {
        action: 'outreach.recorded',
        outreachId: id,
        roles: principal.roles,
        repId: view.record.repId,
        firstContact,
        slaTimersStopped,
        ...decision,
      },
    });
    return ok({ id, leadId, at, firstContact, slaTimersStopped, decision });
  });
}

/**
 * A STOP on one channel (docs/conduct.md): a STOP or objection on any channel. Stored against the lead
 * AND the person's phone and email, so the cross-channel opt-out rules suppress every marketing
 * channel, on this lead and on the person's other leads. Transactional messages and decision
 * records are untouched.
 */
export async function recordOptOut(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  input: { channel: Channel; kind: 'stop' | 'unsubscribe' | 'objection'; at?: string | undefined },
) {
  return ctx.store.transaction(async (tx) => {
    const view = await loadConductView(tx, leadId, { lock: true });
    if (!view || !canSee(principal, view.record)) return failure('NOT_FOUND', `no lead ${leadId}`);
    const now = ctx.clock.now();
    const recordedAt = toIso(now);
    const at = input.at ? toIso(Date.parse(input.at)) : recordedAt;
    if (Date.parse(at) > now + 60_000)
      return failure('ARGUMENT_INVALID', 'an opt-out cannot be in the future', [{ path: '/body/at', message: 'in the future' }]);
    const id = ctx.ids.next('opt');
    const record = {
      id,
      leadId,
      phone: view.phone,
      email: view.email,
      channel: input.channel,
      kind: input.kind,
      at,
      actor: principal.userId,
      recordedAt,
    };
    await tx.conduct.addOptOut(record);
    const optOut = { optOutId: id, channel: input.channel, optOutKind: input.kind, optedOutAt: at, repId: view.record.repId };
    await recordLeadEvents(tx, ctx, [{ kind: 'outreach.opted_out', leadId, actor: principal.userId, at: recordedAt, ...optOut }]);
    return ok({ id, leadId, channel: input.channel, kind: input.kind, at, recordedAt });
  });
}

export interface ConsentInput {
  readonly channel: Channel;
  readonly action: 'grant' | 'revoke';
  readonly at?: string | undefined;
  readonly wording?: string | undefined;
  readonly priorExpressWritten?: boolean | undefined;
  readonly conditionOfPurchase?: boolean | undefined;
}

/** Consent given or withdrawn after intake (C8); a grant for a phone channel names the lead's number. */
export async function recordConsentChange(ctx: ServiceContext, principal: Principal, leadId: string, input: ConsentInput) {
  return ctx.store.transaction(async (tx) => {
    const view = await loadConductView(tx, leadId, { lock: true });
    if (!view || !canSee(principal, view.record)) return failure('NOT_FOUND', `no lead ${leadId}`);
    if (input.action === 'grant' && !input.wording)
      return failure('ARGUMENT_INVALID', 'a consent grant needs the wording the person agreed to', [
        { path: '/body/wording', message: 'required for grant' },
      ]);
    const now = ctx.clock.now();
    const recordedAt = toIso(now);
    const at = input.at ? toIso(Date.parse(input.at)) : recordedAt;
    if (Date.parse(at) > now + 60_000)
      return failure('ARGUMENT_INVALID', 'a consent change cannot be in the future', [{ path: '/body/at', message: 'in the future' }]);
    // A grant unlocks outreach, so it is dated like a conduct fact; a revoke only restricts and may go further back.
    const dated = input.action === 'grant' ? guardFactTime(ctx, principal, view.record, Date.parse(at), now) : ok({ backdating: null });
    if (!dated.ok) return dated;
    const { backdating } = dated.value;
    const id = ctx.ids.next('cns');
    const record = {
      id,
      leadId,
      channel: input.channel,
      action: input.action,
      at,
      wording: input.wording ?? null,
      phone: PHONE_CHANNELS.includes(input.channel) ? view.phone : null,
      priorExpressWritten: input.priorExpressWritten ?? false,
      conditionOfPurchase: input.conditionOfPurchase ?? false,
      actor: principal.userId,
      recordedAt,
    };
    await tx.conduct.addConsentChange(record);
    await tx.events.append({
      leadId,
      kind: CONDUCT_EVENTS.consent,
      actor: principal.userId,
      at: recordedAt,
      payloadJson: JSON.stringify({
        consentId: id,
        channel: input.channel,
        action: input.action,
        at,
        priorExpressWritten: record.priorExpressWritten,
      }),
    });
    await appendAudit(tx, {
      kind: 'outreach',
      subject: leadId,
      actor: principal.userId,
      at: recordedAt,
      payload: {
        action: `consent.${input.action}`,
        consentId: id,
        channel: input.channel,
        consentAt: at,
        priorExpressWritten: record.priorExpressWritten,
        conditionOfPurchase: record.conditionOfPurchase,
        ...(backdating ? { backdating } : {}),
      },
    });
    return ok({ id, leadId, channel: input.channel, action: input.action, at, recordedAt });
  });
}
