import type { Principal } from '../../domain/access/principal.ts';
import { routingScope } from '../../domain/decision/decide.ts';
import type { Decision } from '../../domain/decision/decision.ts';
import { moveOf, planReassignment, reassignmentExclusion, type ReassignmentMovePlan } from '../../domain/decision/reassignment-plan.ts';
import { LeadSchema } from '../../domain/lead/lead.schema.ts';
import { holdsRepCapacity } from '../../domain/lead/lead-status.ts';
import type { ErrorDetail } from '../../domain/errors/error-catalogue.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { ReassignmentCounts, ReassignmentItemRecord, ReassignmentRecord } from '../../store/ports/reassignments.port.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { withScopeRetry } from './decision-recorder.ts';
import { redecide, type RedecideContext } from './redecide.ts';

/**
 * Lawful reassignment (docs/operations.md "Reassignment"): a rep's open leads (those holding their capacity) are
 * re-decided through the engine with that rep excluded, so each goes only to a rep eligible at that moment, or is
 * queued / refused exactly as the engine says (a refusal opens a review, as at intake). The real run works in
 * batches, one transaction each, so ingestion waits at most one batch for the write lock (SQLite) or the rep rows
 * (PostgreSQL): a batch holds at most REASSIGN_BATCH leads and closes once it has run REASSIGN_BATCH_BUDGET_MS, so the
 * wait stays short however slow the store (bench/reassign.bench.ts measures it).
 */
export const REASSIGN_BATCH = 50;
export const REASSIGN_BATCH_BUDGET_MS = 100;

export type ReassignContext = RedecideContext & { readonly store: Store };

export interface ReassignInput {
  readonly fromRepId: string;
  readonly reason: string;
  readonly dryRun: boolean;
}

export type ReassignResult =
  | {
      readonly kind: 'preview';
      readonly fromRepId: string;
      readonly orgHash: string;
      readonly at: string;
      readonly counts: ReassignmentCounts;
      readonly items: readonly ReassignmentMovePlan[];
    }
  | { readonly kind: 'operation'; readonly reassignment: ReassignmentRecord; readonly items: readonly ReassignmentItemRecord[] };

/** Every input problem at once, with the field it is about (nothing is read or written before this passes). */
function inputProblems(input: ReassignInput): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (typeof input.fromRepId !== 'string' || input.fromRepId.trim().length === 0 || input.fromRepId.length > 128)
    problems.push({ path: '/body/fromRepId', message: 'a rep id (1–128 characters) is required' });
  if (typeof input.reason !== 'string' || input.reason.trim().length < 3 || input.reason.length > 4000)
    problems.push({ path: '/body/reason', message: 'say why (3–4000 characters)' });
  return problems;
}

/**
 * The one entry point for moving a rep's open leads away (HTTP, CLI, and later the roster change that pauses a rep
 * or sets them to left). A dry run computes the same decisions against a copy of the routing state and writes nothing.
 */
export async function reassignFromRep(
  ctx: ReassignContext,
  principal: Pick<Principal, 'userId'>,
  input: ReassignInput,
): Promise<Result<ReassignResult, AppFailure>> {
  const problems = inputProblems(input);
  const fromRepId = typeof input.fromRepId === 'string' ? input.fromRepId.trim() : '';
  const shapeOk = !problems.some((p) => p.path === '/body/fromRepId');
  const open = shapeOk ? (await ctx.store.leads.list({ repId: fromRepId })).filter((l) => holdsRepCapacity(l.status)) : [];
  // A rep who left may be gone from the org version in force; their leads still need moving.
  if (shapeOk && !ctx.orgs.current.repsById.has(fromRepId) && open.length === 0)
    problems.unshift({ path: '/body/fromRepId', message: `no rep ${fromRepId} in the org and no open leads` });
  if (problems.length > 0) return failure('ARGUMENT_INVALID', undefined, problems);
  if (input.dryRun) return ok(await preview(ctx, fromRepId, open));
  const op: Operation = { id: ctx.ids.next('rea'), fromRepId, reason: input.reason.trim(), actor: principal.userId };
  return ok(await run(ctx, op, open));
}

const countsOf = (outcomes: readonly string[]): ReassignmentCounts => {
  const n = (o: string) => outcomes.filter((x) => x === o).length;
  const c = { assigned: n('ASSIGNED'), queued: n('QUEUED'), refused: n('REFUSED'), held: n('HELD'), nurture: n('NURTURE') };
  return { leads: outcomes.length, ...c, skipped: n('SKIPPED') };
};

async function preview(ctx: ReassignContext, fromRepId: string, open: readonly LeadRecord[]): Promise<ReassignResult> {
  const org = ctx.orgs.current;
  const now = ctx.clock.now();
  const leads = open.map((r) => LeadSchema.parse(JSON.parse(r.leadJson)));
  const { moves } = planReassignment({ org, leads, fromRepId, at: now, state: await ctx.store.routingState.snapshot() });
  return { kind: 'preview', fromRepId, orgHash: org.hash, at: toIso(now), counts: countsOf(moves.map((m) => m.outcome)), items: moves };
}

interface Operation {
  readonly id: string;
  readonly fromRepId: string;
  readonly reason: string;
  readonly actor: string;
}

/** A reassignment started by a background job (docs/operations.md "Automatic reassignment"). */
export interface ReassignmentJobInput extends Operation {
  /** null: every open lead of the rep; else only these (the ones the rep is no longer lawful for). */
  readonly leadIds: readonly string[] | null;
}

/**
 * Runs the operation a job asked for, under the job's id. Resumable: if an instance died halfway, the operation record
 * and the items it committed are there; the run carries on with the leads not yet itemised (a lead already moved is
 * no longer the rep's anyway). `heartbeat` runs after every batch (the job's lease).
 */
export async function runReassignmentJob(
  ctx: ReassignContext,
  job: ReassignmentJobInput,
  heartbeat: () => Promise<void> = async () => undefined,
): Promise<ReassignmentRecord> {
  const existing = await ctx.store.reassignments.get(job.id);
  if (existing?.status === 'finished') return existing;
  const done = existing ? await ctx.store.reassignments.items(job.id) : [];
  const itemised = new Set(done.map((i) => i.leadId));
  const wanted = job.leadIds === null ? null : new Set(job.leadIds);
  const open = (await ctx.store.leads.list({ repId: job.fromRepId })).filter(
    (l) => holdsRepCapacity(l.status) && !itemised.has(l.id) && (wanted === null || wanted.has(l.id)),
  );
  const result = await run(ctx, job, open, { resume: existing !== undefined, before: done.map((i) => i.outcome), heartbeat });
  return result.reassignment;
}

async function run(
  ctx: ReassignContext,
  op: Operation,
  open: readonly LeadRecord[],
  options: { resume: boolean; before: readonly string[]; heartbeat: () => Promise<void> } = NEW_RUN,
): Promise<Extract<ReassignResult, { kind: 'operation' }>> {
  const { actor } = op;
  const startedAt = toIso(ctx.clock.now());
  const orgHash = ctx.orgs.current.hash;
  if (!options.resume)
    await ctx.store.transaction(async (tx) => {
      await tx.reassignments.start({ id: op.id, fromRep: op.fromRepId, requestedBy: actor, reason: op.reason, orgHash, startedAt });
      await appendAudit(tx, {
        kind: 'reroute',
        subject: `reassignment:${op.id}`,
        actor,
        at: startedAt,
        payload: { action: 'reassignment.started', fromRep: op.fromRepId, reason: op.reason, openLeads: open.length, orgHash },
      });
    });
  const outcomes: string[] = [];
  const offset = options.before.length;
  while (outcomes.length < open.length) {
    const first = outcomes.length;
    const candidates = open.slice(first, first + REASSIGN_BATCH);
    // One transaction per batch (re-run whole when a routing scope moved); outcomes are counted only once it committed.
    const committed = await withScopeRetry(() =>
      ctx.store.transaction(async (tx) => {
        await lockBatchScope(tx, ctx, op.fromRepId, candidates);
        const began = performance.now();
        const done: string[] = [];
        for (const [k, record] of candidates.entries()) {
          done.push(await moveLead(tx, ctx, op, record.id, offset + first + k + 1));
          if (performance.now() - began >= REASSIGN_BATCH_BUDGET_MS) break;
        }
        return done;
      }),
    );
    outcomes.push(...committed);
    await options.heartbeat();
    // Let requests that queued for the store while the batch ran go first (the SQLite connection is not handed over fairly).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const counts = countsOf([...options.before, ...outcomes]);
  await ctx.store.transaction(async (tx) => {
    const finishedAt = toIso(ctx.clock.now());
    await tx.reassignments.finish(op.id, finishedAt, counts);
    await appendAudit(tx, {
      kind: 'reroute',
      subject: `reassignment:${op.id}`,
      actor,
      at: finishedAt,
      payload: { action: 'reassignment.finished', fromRep: op.fromRepId, reason: op.reason, startedAt, counts },
    });
  });
  return {
    kind: 'operation',
    reassignment: (await ctx.store.reassignments.get(op.id))!,
    items: await ctx.store.reassignments.items(op.id),
  };
}

const NEW_RUN = { resume: false, before: [], heartbeat: async () => undefined };

/**
 * Locks, once and in the store's order (pools, then reps, each sorted), everything the batch's decisions may touch:
 * the departing rep and the routing scope of every lead in it. Taking them lead by lead would lock the departing rep
 * before a pool, the reverse of ingestion's order, and PostgreSQL would resolve the deadlock by aborting one side.
 */
async function lockBatchScope(tx: UnitOfWork, ctx: ReassignContext, fromRepId: string, batch: readonly LeadRecord[]): Promise<void> {
  const org = ctx.orgs.current;
  const now = ctx.clock.now();
  const pools = new Set<string>();
  const repIds = new Set<string>([fromRepId]);
  for (const record of batch) {
    const scope = routingScope(org, LeadSchema.parse(JSON.parse(record.leadJson)), now);
    for (const p of scope.pools) pools.add(p);
    for (const r of scope.repIds) repIds.add(r);
  }
  await tx.routingState.lockScope({ pools: [...pools].sort(), repIds: [...repIds].sort() });
}

/**
 * One lead, in the batch's transaction: locked, then re-decided only if it still holds the departing rep's capacity
 * (it may have been closed or moved since the list was read: SKIPPED, nothing decided). Returns the outcome.
 */
async function moveLead(tx: UnitOfWork, ctx: ReassignContext, op: Operation, leadId: string, seq: number): Promise<string> {
  const record = await tx.leads.lock(leadId);
  const at = toIso(ctx.clock.now());
  const item = { reassignmentId: op.id, seq, leadId, fromRep: op.fromRepId, at };
  if (!record || record.repId !== op.fromRepId || !holdsRepCapacity(record.status)) {
    const why = record ? `lead is ${record.status} with ${record.repId ?? 'nobody'}` : 'lead gone';
    await tx.reassignments.addItem({ ...item, toRep: null, toTeam: null, outcome: 'SKIPPED', decisionId: null, reasonCodes: [why] });
    return 'SKIPPED';
  }
  const lead = LeadSchema.parse(JSON.parse(record.leadJson));
  const exclusion = reassignmentExclusion(op.fromRepId, op.id);
  const decision: Decision = await redecide(tx, ctx, record, lead, op.actor, { exclusion, reassignmentId: op.id });
  const planned = moveOf(op.fromRepId, decision);
  const reviewId = decision.outcome === 'ASSIGNED' ? null : ((await tx.reviews.openForLead(leadId))?.id ?? null);
  const move = {
    reassignmentId: op.id,
    fromRep: op.fromRepId,
    toRep: planned.to,
    toTeam: planned.toTeam,
    outcome: decision.outcome,
    decisionId: decision.decisionId,
    reason: op.reason,
    reviewId,
  };
  await recordLeadEvents(tx, ctx, [{ kind: 'reassignment.moved', leadId, actor: op.actor, at: decision.decidedAt, move }]);
  await tx.reassignments.addItem({
    ...item,
    at: decision.decidedAt,
    toRep: planned.to,
    toTeam: planned.toTeam,
    outcome: decision.outcome,
    decisionId: decision.decisionId,
    reasonCodes: planned.reasonCodes,
  });
  return decision.outcome;
}
