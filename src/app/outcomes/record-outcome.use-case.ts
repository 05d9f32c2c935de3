import type { Principal } from '../../domain/access/principal.ts';
import type { OutcomeChannel } from '../../domain/outcomes/outcome-kind.ts';
import { outcomeInputProblems, type OutcomeInput } from '../../domain/outcomes/outcome-input.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { LeadOutcomeRecord } from '../../store/ports/lead-outcomes.port.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import { canSee } from '../queries/lead-queries.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { leadAttribution } from './lead-attribution.ts';

/** Who records an outcome, and which leads they may record it for: a person (reps their own leads) or a source. */
export interface OutcomeRecorder {
  readonly actor: string;
  readonly channel: OutcomeChannel;
  readonly mayRecordFor: (lead: LeadRecord) => boolean;
}

/** A person through the API or console: a rep only for their own leads, ops and admin for any (canSee). */
export const personRecorder = (principal: Principal): OutcomeRecorder => ({
  actor: principal.userId,
  channel: 'api',
  mayRecordFor: (lead) => canSee(principal, lead),
});

/** A source acting for the org (a CSV import, a CRM event): any lead it names. */
export const sourceRecorder = (channel: Exclude<OutcomeChannel, 'api'>, actor: string): OutcomeRecorder => ({
  actor,
  channel,
  mayRecordFor: () => true,
});

export interface RecordedOutcome {
  readonly outcome: LeadOutcomeRecord;
  /** The outcome this one superseded (it stays in the lead's outcome history). */
  readonly supersedes: string | null;
  /** true when the lead's current outcome already said exactly this (a re-sent request, a re-run import): nothing was written. */
  readonly replayed: boolean;
}

/**
 * The same statement again: kind, value, currency, reason and note equal, and the close date too when one was given
 * (without one it defaults to "now", which a retry cannot repeat).
 */
const sameStatement = (a: LeadOutcomeRecord, b: Omit<LeadOutcomeRecord, 'id' | 'seq' | 'recordedAt'>, dated: boolean) =>
  a.kind === b.kind &&
  a.value === b.value &&
  a.currency === b.currency &&
  a.reasonCode === b.reasonCode &&
  a.note === b.note &&
  (!dated || a.closedAt === b.closedAt);

/**
 * docs/outcomes.md: records a lead's outcome in one transaction — the outcome row with the facts of the lead's decision,
 * and the lead story and audit entry. A later outcome supersedes the earlier (which stays as history). Bad input is
 * OUTCOME_INVALID with each field named, and nothing is written.
 */
export async function recordOutcome(
  ctx: Pick<ServiceContext, 'store' | 'clock' | 'ids' | 'notify'>,
  recorder: OutcomeRecorder,
  leadId: string,
  input: OutcomeInput,
  options: { readonly detailsUnder?: readonly string[] } = {},
): Promise<Result<RecordedOutcome, AppFailure>> {
  return ctx.store.transaction((tx) => recordOutcomeIn(tx, ctx, recorder, leadId, input, options.detailsUnder ?? ['body']));
}

/** The steps, in the caller's transaction (a CRM event claims its idempotency key in the same one). */
export async function recordOutcomeIn(
  tx: UnitOfWork,
  ctx: Pick<ServiceContext, 'clock' | 'ids' | 'notify'>,
  recorder: OutcomeRecorder,
  leadId: string,
  input: OutcomeInput,
  detailsUnder: readonly string[],
): Promise<Result<RecordedOutcome, AppFailure>> {
  const lead = await tx.leads.lock(leadId);
  if (!lead || !recorder.mayRecordFor(lead)) return failure('NOT_FOUND', `no lead ${leadId}`);
  const now = ctx.clock.now();
  const problems = outcomeInputProblems(input, lead, now, detailsUnder);
  if (problems.length > 0) return failure('OUTCOME_INVALID', undefined, problems);
  const { actor, channel } = recorder;
  const at = toIso(now);
  const { decisionId, attribution } = leadAttribution(lead, await tx.decisions.listForLead(leadId));
  const previous = (await tx.outcomes.listForLead(leadId)).at(-1);
  const statement = {
    leadId,
    kind: input.kind,
    value: input.value ?? null,
    currency: input.currency ?? null,
    reasonCode: input.reasonCode,
    note: input.note ?? null,
    closedAt: input.closedAt ? new Date(input.closedAt).toISOString() : at,
    recordedBy: actor,
    channel,
    decisionId,
    attribution,
  };
  if (previous && sameStatement(previous, statement, input.closedAt !== undefined))
    return ok({ outcome: previous, supersedes: null, replayed: true });
  const outcome = await tx.outcomes.append({ ...statement, id: ctx.ids.next('out'), recordedAt: at });
  const supersedes = previous?.id ?? null;
  await recordLeadEvents(tx, ctx, [{ kind: 'outcome.recorded', leadId, actor, at, outcome, supersedes }]);
  return ok({ outcome, supersedes, replayed: false });
}
