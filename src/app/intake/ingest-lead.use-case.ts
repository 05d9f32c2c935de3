import { randomBytes } from 'node:crypto';
import { routingScope } from '../../domain/decision/decide.ts';
import type { Decision, DecisionOutcome } from '../../domain/decision/decision.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { dedupeKeys } from '../../domain/intake/dedupe-keys.ts';
import type { FieldError } from '../../domain/intake/field-error.ts';
import type { NormalisedIntake } from '../../domain/intake/normalise-lead.ts';
import { scoreLead, type LeadScore } from '../../domain/intake/score-lead.ts';
import type { Lead, LeadCompany } from '../../domain/lead/lead.schema.ts';
import { withSegment } from '../../domain/intake/company-segment.ts';
import type { EnrichmentRecord } from '../../domain/intake/company-enrichment.ts';
import { canonicalJson, sha256Hex } from '../../domain/shared/canonical-json.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { OPEN_LEAD_STATUSES } from '../../domain/lead/lead-status.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { AccountMatch } from './account-match.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { idempotencyScope } from '../access/api-keys.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { normaliseIntakeFor } from '../../domain/org/intake-product.ts';
import { appendAuditMany, INTAKE_PERSONAL_PATHS, screeningAuditPayload, withCommitments } from '../audit/audit-trail.ts';
import { companyNameKey } from './company-name.ts';
import { recordDecisionOutcome, recordLeadEvents } from '../events/record-lead-events.ts';
import { screenIntake, type IntakeScreening } from './screen-intake.ts';
import { routableLead } from './routable-lead.ts';
import { decideAndRecord, ensureOrgPublished, markPublished, withScopeRetry } from '../routing/decision-recorder.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { recordScreeningNameKeys } from '../screening/screening-name-keys.ts';
import type { BatchRoutingLocks } from '../routing/batch-routing-locks.ts';
import { routeInBatch, type BatchedLead, type BegunLead } from './routing-batch.ts';
import type { InOrder } from './ordered-window.ts';

/** What the API answers for one lead (also what an idempotent retry gets back, byte for byte). */
export interface IngestResponse {
  readonly leadId: string;
  /** ERASED only in a stored answer replayed after the lead's erasure (erase-lead.use-case.ts). */
  readonly status: DecisionOutcome | 'DUPLICATE' | 'ERASED';
  readonly duplicateOf: string | null;
  readonly decision: Decision | null;
  readonly score: Pick<LeadScore, 'score' | 'grade' | 'qualified' | 'qualifyAt'> | null;
  readonly account: { readonly id: string; readonly matchedBy: string; readonly score: number } | null;
  readonly reviewId: string | null;
  readonly warnings: readonly FieldError[];
}

export interface IngestOutcome {
  readonly statusCode: 200 | 201;
  readonly body: IngestResponse;
  /** true when this is the stored answer to an earlier request with the same Idempotency-Key. */
  readonly replayed: boolean;
}

/** Another request with the same Idempotency-Key committed first; this one rolls back and answers with that one's result. */
class IdempotencyRaceError extends Error {
  override readonly name = 'IdempotencyRaceError';
}

const fieldFailure = (errors: readonly FieldError[]) =>
  failure(
    'LEAD_INVALID',
    `${errors.length} invalid field(s)`,
    errors.map((e) => ({ path: e.path, message: e.message })),
  );

/** Everything known about a lead before the transaction: normalised, scored, matched, screened, its dedupe keys. */
interface PreparedIntake {
  readonly org: CompiledOrg;
  readonly receivedAtMs: number;
  readonly intake: NormalisedIntake;
  /** The company as routed: normalised, enriched, then its segment from the org's bands. */
  readonly company: LeadCompany | undefined;
  /** What enrichment did (null: the org configures none). */
  readonly enrichment: EnrichmentRecord | null;
  readonly score: LeadScore | null;
  readonly account: AccountMatch | null;
  readonly screening: IntakeScreening;
  /** Sorted, so concurrent intakes lock them in one order. */
  readonly keys: readonly string[];
}

/** The lead as stored by recordIntake, and the views the answer shows. */
interface RecordedIntake {
  readonly leadId: string;
  readonly lead: Lead;
  readonly warnings: readonly FieldError[];
  readonly scoreView: IngestResponse['score'];
  readonly accountView: IngestResponse['account'];
}

interface IdempotencyClaim {
  readonly key: string | undefined;
  readonly requestHash: string;
}

/**
 * The intake pipeline for one lead (docs/sources.md): validate and normalise, check the product, score,
 * match an account, screen, derive dedupe keys — then ONE transaction: record the intake, then either
 * link it to the open lead it duplicates or route it (decision, review, history, outbox), then claim
 * the idempotency key. Duplicates are scored and screened too: each lead keeps its own screening
 * record. Bad input is a field-level failure and stores nothing.
 */
export async function ingestLead(
  ctx: ServiceContext,
  principal: Principal,
  raw: unknown,
  opts: { idempotencyKey?: string | undefined; inOrder?: InOrder | undefined } = {},
): Promise<Result<IngestOutcome, AppFailure>> {
  try {
    return await ingestInOrder(ctx, principal, raw, opts.idempotencyKey, opts.inOrder);
  } finally {
    // Answered without routing (a replay, bad input, a failure): the leads after it in a bulk window may go.
    opts.inOrder?.pass();
  }
}

async function ingestInOrder(
  ctx: ServiceContext,
  principal: Principal,
  raw: unknown,
  idempotencyKey: string | undefined,
  inOrder: InOrder | undefined,
): Promise<Result<IngestOutcome, AppFailure>> {
  const claim: IdempotencyClaim = { key: idempotencyKey, requestHash: sha256Hex(canonicalJson(raw)) };
  if (claim.key !== undefined) {
    const previous = await ctx.store.idempotency.get(idempotencyScope(principal), claim.key);
    if (previous) return replay(previous, claim.requestHash);
  }
  const prepared = await prepareIntake(ctx, raw);
  if (!prepared.ok) return prepared;
  // A bulk window's leads prepare side by side but reach the routing batch in input order (ordered-window.ts).
  if (inOrder) await inOrder.ready;
  // A lead of a bulk window (it has an order to keep) lets single leads go first (routing-batch.ts).
  const routed = routeInBatch(ctx, batchedIntake(ctx, principal, prepared.value, claim, inOrder !== undefined));
  inOrder?.pass();
  try {
    return ok({ statusCode: 201 as const, body: await routed, replayed: false });
  } catch (e) {
    if (e instanceof IdempotencyRaceError && claim.key !== undefined) {
      const winner = await ctx.store.idempotency.get(idempotencyScope(principal), claim.key);
      if (winner) return replay(winner, claim.requestHash);
    }
    throw e;
  }
}

/** The work before the transaction: nothing here writes. */
async function prepareIntake(ctx: ServiceContext, raw: unknown): Promise<Result<PreparedIntake, AppFailure>> {
  const receivedAtMs = ctx.clock.now();
  const org = ctx.orgs.current;
  const normalised = normaliseIntakeFor(org, raw, { at: receivedAtMs });
  if (!normalised.ok) return fieldFailure(normalised.error);
  const intake = normalised.value;
  // Before routing and outside the transaction (a slow endpoint holds no locks); never fails the intake.
  const enriched = await ctx.enricher.enrich(org.config.enrichment, intake.lead.company);
  const company = withSegment(org.config.segments, enriched.company);
  const score = org.config.scoring ? scoreLead(org.config.scoring, intake, receivedAtMs) : null;
  const account = await ctx.accounts.match(intake, { fuzzyThreshold: org.config.accountMatching?.fuzzyThreshold });
  const screening = screenIntake(ctx.screening, intake, org.config.screening);
  const keys = [
    ...dedupeKeys(intake.contact, { normaliseCompany: companyNameKey }).map((k) => k.key),
    ...(intake.externalId ? [`external:${intake.lead.source ?? ''}:${intake.externalId}`] : []),
  ].sort();
  return ok({ org, receivedAtMs, intake, company, enrichment: enriched.record, score, account, screening, keys });
}

/** The keys existing-contact matching looks at (docs/intake.md "Existing contacts"): email before phone. */
const contactKeysOf = (keys: readonly string[]): string[] => [
  ...keys.filter((k) => k.startsWith('email:')),
  ...keys.filter((k) => k.startsWith('phone:')),
];

/**
 * Existing-contact matching (docs/intake.md "Existing contacts"): the most recent earlier lead holding this person's
 * normalised email or E.164 phone key, in any status (an open one also makes this a DUPLICATE). Exact key equality, so
 * the score is 1. Read with the open-lead check, under the dedupe lock (issue 18: one read instead of two).
 */
function existingContact(
  found: { readonly leadId: string; readonly key: string; readonly repId: string | null } | undefined,
): Lead['contact'] {
  if (found === undefined) return undefined;
  const matchedBy = found.key.startsWith('email:') ? ('email' as const) : ('phone' as const);
  return { leadId: found.leadId, matchedBy, score: 1, ...(found.repId !== null ? { ownerRep: found.repId } : {}) };
}

/**
 * The lead for the routing batch (routing-batch.ts): its transaction's steps up to the routing locks, the rest, and the
 * lead in a transaction of its own (alone, or re-run after its batch rolled back).
 */
function batchedIntake(
  ctx: ServiceContext,
  principal: Principal,
  prepared: PreparedIntake,
  claim: IdempotencyClaim,
  bulk: boolean,
): BatchedLead<IngestResponse> {
  return {
    keys: prepared.keys,
    bulk,
    begin: (tx, locks) => beginIntake(tx, ctx, principal, prepared, claim, locks),
    alone: () => withScopeRetry(() => commitIntake(ctx, principal, prepared, claim)),
  };
}

/** The one transaction; the org version is published on first use and remembered after the commit. */
async function commitIntake(
  ctx: ServiceContext,
  principal: Principal,
  prepared: PreparedIntake,
  claim: IdempotencyClaim,
): Promise<IngestResponse> {
  let committed = () => {};
  const body = await ctx.store.transaction(async (tx) => {
    const begun = await beginIntake(tx, ctx, principal, prepared, claim);
    committed = begun.committed;
    return begun.finish();
  });
  committed();
  return body;
}

/**
 * The transaction's steps before the routing locks (publish the org version, lock and read the dedupe keys, record the
 * intake; a duplicate is linked), and the rest as `finish` (route a new lead, claim the idempotency key). A lead alone
 * runs both at once; a routing batch runs every lead's first part, then every `finish`, in one transaction.
 */
async function beginIntake(
  tx: UnitOfWork,
  ctx: ServiceContext,
  principal: Principal,
  prepared: PreparedIntake,
  claim: IdempotencyClaim,
  batchLocks?: BatchRoutingLocks,
): Promise<BegunLead<IngestResponse>> {
  const at = toIso(ctx.clock.now());
  const publishedHere = await ensureOrgPublished(tx, ctx.store, prepared.org, at, principal.userId);
  await tx.dedupe.lockKeys(prepared.keys);
  const found = await tx.dedupe.findOpenAndLatest(prepared.keys, OPEN_LEAD_STATUSES, contactKeysOf(prepared.keys));
  const original = found.open;
  const recorded = await recordIntake(tx, ctx, principal, { ...prepared, contact: existingContact(found.latest) }, at);
  const linked = original ? await linkDuplicate(tx, ctx, recorded, original, at) : undefined;
  if (!linked) await recordUnique(tx, ctx, recorded, prepared, at);
  return {
    async finish() {
      const response = linked ?? (await routeNewLead(tx, ctx, recorded, prepared, batchLocks));
      if (claim.key !== undefined)
        await claimIdempotencyKey(tx, idempotencyScope(principal), claim.key, claim.requestHash, 201, response, at);
      return response;
    },
    committed: () => {
      if (publishedHere) markPublished(ctx.store, prepared.org.hash);
    },
    // A getter: only a routing batch asks (a lead alone locks its scope in decideAndRecord), so a lone lead does not
    // select its rule twice.
    get scope() {
      return linked ? undefined : routingScope(prepared.org, recorded.lead, prepared.receivedAtMs);
    },
  };
}

/** The lead row, its personal data (with the salt its audit commitments use), and the intake and screening history. */
async function recordIntake(
  tx: UnitOfWork,
  ctx: ServiceContext,
  principal: Principal,
  prepared: PreparedIntake & { readonly contact: Lead['contact'] },
  at: string,
): Promise<RecordedIntake> {
  const { org, intake, score, account, keys } = prepared;
  const leadId = ctx.ids.next('lead');
  const lead = routableLead(prepared, leadId);
  // A fresh id: the row is new (never a claim of an existing one), so its decision's outcome can be folded into its insert.
  await tx.leads.insertNew({
    id: leadId,
    orgHash: org.hash,
    leadJson: canonicalJson(lead),
    receivedAt: toIso(prepared.receivedAtMs),
  });
  const salt = randomBytes(32).toString('hex');
  // Hit evidence derived from the person (their name tokens, date-of-birth comparisons) is personal
  // data: it lives with the contact, erasable; the history keeps only the list side of each hit.
  const screening = screeningAuditPayload(prepared.screening);
  await tx.personalData.put({
    leadId,
    salt,
    contactJson: JSON.stringify({
      ...intake.contact,
      address: intake.address,
      company: intake.company ?? null,
      vessel: intake.vessel ?? null,
      screeningEvidence: screening.subjectEvidence,
    }),
    rawJson: JSON.stringify(intake.raw),
    consentJson: intake.consent ? JSON.stringify(intake.consent) : null,
    createdAt: at,
  });
  await recordScreeningNameKeys(tx, leadId, {
    fullName: intake.contact.fullName,
    company: intake.company ?? null,
    vessel: intake.vessel ?? null,
  });
  const accountView = account ? { id: account.account.id, matchedBy: account.matchedBy, score: account.score } : null;
  const keyKinds = keys.map((k) => k.split(':')[0]);
  const accountHistory = account ? { ...accountView, matchedOn: account.matchedOn, alternatives: account.alternatives } : null;
  const intakeHistory = {
    source: lead.source ?? null,
    product: lead.product,
    jurisdiction: lead.jurisdiction,
    warnings: intake.warnings,
    score,
    account: accountHistory,
    ...(prepared.enrichment !== null ? { enrichment: prepared.enrichment } : {}),
    dedupeKeyKinds: keyKinds,
  };
  await tx.events.record([
    { leadId, kind: 'intake', actor: principal.userId, at, payloadJson: JSON.stringify(intakeHistory) },
    { leadId, kind: 'screening', actor: 'system', at, payloadJson: JSON.stringify(screening.screening) },
  ]);
  await auditIntake(tx, {
    leadId,
    actor: principal.userId,
    at,
    salt,
    intake,
    lead,
    score,
    keys,
    accountView,
    account,
    screening,
    enrichment: prepared.enrichment,
  });
  const scoreView = score ? { score: score.score, grade: score.grade, qualified: score.qualified, qualifyAt: score.qualifyAt } : null;
  return { leadId, lead, warnings: intake.warnings, scoreView, accountView };
}

/** Same person as an open lead: this one is a DUPLICATE linked to it, and the original owner is named. */
async function linkDuplicate(
  tx: UnitOfWork,
  ctx: ServiceContext,
  recorded: RecordedIntake,
  original: { leadId: string; key: string },
  at: string,
): Promise<IngestResponse> {
  const { leadId } = recorded;
  // The update before the read of the original (which names `leads`): it is folded into this lead's held insert.
  await tx.leads.update(leadId, {
    status: 'DUPLICATE',
    teamId: null,
    repId: null,
    orgHash: ctx.orgs.current.hash,
    updatedAt: at,
    duplicateOf: original.leadId,
  });
  const originalLead = await tx.leads.get(original.leadId);
  const matchedOn = original.key.split(':')[0]!;
  const owner = { ownerRep: originalLead?.repId ?? null, ownerTeam: originalLead?.teamId ?? null };
  await recordLeadEvents(tx, ctx, [
    { kind: 'dedupe.duplicate', leadId, actor: 'system', at, duplicateOf: original.leadId, matchedOn, ...owner },
    { kind: 'dedupe.linked', leadId: original.leadId, actor: 'system', at, duplicate: leadId, matchedOn },
  ]);
  return ingestAnswer(recorded, { status: 'DUPLICATE', duplicateOf: original.leadId, decision: null, reviewId: null });
}

/** A new person: its dedupe history entry (before the routing locks). */
async function recordUnique(
  tx: UnitOfWork,
  ctx: ServiceContext,
  recorded: RecordedIntake,
  prepared: PreparedIntake,
  at: string,
): Promise<void> {
  await recordLeadEvents(tx, ctx, [
    { kind: 'dedupe.unique', leadId: recorded.leadId, actor: 'system', at, keyKinds: prepared.keys.map((k) => k.split(':')[0]!) },
  ]);
}

/** A new person: decide (under the routing locks), keep its dedupe keys, then the decision's outcome. */
async function routeNewLead(
  tx: UnitOfWork,
  ctx: ServiceContext,
  recorded: RecordedIntake,
  prepared: PreparedIntake,
  batchLocks: BatchRoutingLocks | undefined,
): Promise<IngestResponse> {
  const { leadId, lead } = recorded;
  const decision = await decideAndRecord(tx, { org: prepared.org, clock: ctx.clock, ids: ctx.ids }, lead, prepared.receivedAtMs, {
    leadIsNew: true,
    batchLocks,
  });
  await tx.dedupe.add(leadId, prepared.keys);
  const { reviewId } = await recordDecisionOutcome(tx, ctx, decision, { actor: 'system' });
  return ingestAnswer(recorded, { status: decision.outcome, duplicateOf: null, decision, reviewId });
}

/** The API's answer for the lead (also what an idempotent retry gets back; and the ingest floor's, bench/floor-pipeline.ts). */
export function ingestAnswer(
  recorded: RecordedIntake,
  outcome: Pick<IngestResponse, 'status' | 'duplicateOf' | 'decision' | 'reviewId'>,
): IngestResponse {
  const { leadId, scoreView: score, accountView: account, warnings } = recorded;
  return {
    leadId,
    status: outcome.status,
    duplicateOf: outcome.duplicateOf,
    decision: outcome.decision,
    score,
    account,
    reviewId: outcome.reviewId,
    warnings,
  };
}

/**
 * The intake entry's payload before its personal fields (INTAKE_PERSONAL_PATHS) are replaced by commitments. Exported
 * for the ingest floor (bench/floor-pipeline.ts, issue 18), which must record the same entry.
 */
export function intakeEntryPayload(facts: {
  readonly intake: NormalisedIntake;
  readonly lead: Lead;
  readonly score: LeadScore | null;
  readonly keys: readonly string[];
  readonly enrichment: EnrichmentRecord | null;
}): Record<string, unknown> {
  const { intake } = facts;
  return {
    lead: facts.lead,
    contact: intake.contact,
    address: intake.address,
    company: intake.company ?? null,
    vessel: intake.vessel ?? null,
    consent: intake.consent ?? null,
    behaviour: intake.behaviour ?? null,
    externalId: intake.externalId ?? null,
    timeZoneSource: intake.timeZoneSource,
    warnings: intake.warnings,
    score: facts.score,
    ...(facts.enrichment !== null ? { enrichment: facts.enrichment } : {}),
    dedupeKeyKinds: facts.keys.map((k) => k.split(':')[0]),
    // The values are committed (lead.custom); which fields were sent stays readable.
    customKeys: Object.keys(facts.lead.custom).sort(),
    raw: intake.raw,
  };
}

/** Intake, account-match and screening entries of the audit trail; personal fields only as commitments (docs/audit.md). */
async function auditIntake(
  tx: UnitOfWork,
  facts: {
    leadId: string;
    actor: string;
    at: string;
    salt: string;
    intake: NormalisedIntake;
    lead: Lead;
    score: LeadScore | null;
    keys: readonly string[];
    accountView: RecordedIntake['accountView'];
    account: AccountMatch | null;
    screening: ReturnType<typeof screeningAuditPayload>;
    enrichment: EnrichmentRecord | null;
  },
): Promise<void> {
  const { leadId, at, salt, account } = facts;
  const intakeEntry = withCommitments(intakeEntryPayload(facts), INTAKE_PERSONAL_PATHS, salt);
  const matched = account
    ? {
        result: 'matched',
        ...facts.accountView,
        matchedOn: account.matchedOn,
        alternatives: account.alternatives,
        ownerRep: account.owner?.ownerRep,
        ...(account.owner?.from !== undefined ? { ownerFrom: account.owner.from } : {}),
      }
    : { result: 'none' };
  const { screening, subjectEvidence } = facts.screening;
  // The three entries in their order (intake, account match, screening), with one insert.
  await appendAuditMany(tx, [
    { kind: 'intake', subject: leadId, actor: facts.actor, at, ...intakeEntry },
    { kind: 'account_match', subject: leadId, actor: 'system', at, payload: matched },
    {
      kind: 'screening',
      subject: leadId,
      actor: 'system',
      at,
      ...withCommitments({ ...(screening as object), subjectEvidence }, ['subjectEvidence'], salt),
    },
  ]);
}

async function claimIdempotencyKey(
  tx: UnitOfWork,
  scope: string,
  key: string,
  requestHash: string,
  statusCode: number,
  response: unknown,
  at: string,
): Promise<void> {
  const responseJson = JSON.stringify(response);
  const stored = await tx.idempotency.put({ scope, key, requestHash, statusCode, responseJson, createdAt: at });
  if (stored.responseJson !== responseJson) throw new IdempotencyRaceError(`idempotency key ${key} was claimed by a concurrent request`);
}

function replay(
  previous: { requestHash: string; statusCode: number; responseJson: string },
  requestHash: string,
): Result<IngestOutcome, AppFailure> {
  if (previous.requestHash !== requestHash) return failure('IDEMPOTENCY_KEY_REUSED');
  return ok({
    statusCode: previous.statusCode === 201 ? 201 : 200,
    body: JSON.parse(previous.responseJson) as IngestResponse,
    replayed: true,
  });
}
