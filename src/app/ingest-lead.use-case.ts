import { randomBytes } from 'node:crypto';
import type { Decision, DecisionOutcome } from '../domain/decision/decision.ts';
import { dedupeKeys } from '../domain/intake/dedupe-keys.ts';
import type { FieldError } from '../domain/intake/field-error.ts';
import { normaliseIntake, type NormalisedIntake } from '../domain/intake/normalise-lead.ts';
import { scoreLead, type LeadScore } from '../domain/intake/score-lead.ts';
import { LeadSchema, type Lead } from '../domain/lead/lead.schema.ts';
import { canonicalJson, sha256Hex } from '../domain/shared/canonical-json.ts';
import { ok, type Result } from '../domain/shared/result.ts';
import { toIso } from '../domain/shared/zoned-time.ts';
import { OPEN_LEAD_STATUSES, type UnitOfWork } from '../store/store-port.ts';
import type { AccountMatch } from './account-match.ts';
import type { Principal } from './api-keys.ts';
import { failure, type AppFailure } from './app-error.ts';
import { appendAudit, INTAKE_PERSONAL_PATHS, screeningAuditPayload, withCommitments } from './audit-trail.ts';
import { companyNameKey } from './company-name.ts';
import { openReviewForDecision } from './review.use-case.ts';
import { leadScreening, screenIntake, type IntakeScreening } from './screen-intake.ts';
import { decideAndRecord, ensureOrgPublished, markPublished, withScopeRetry } from './decision-recorder.ts';
import { emitEvent } from './outbox-writer.ts';
import type { ServiceContext } from './service-context.ts';

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

const OUTCOME_EVENTS: Readonly<Record<DecisionOutcome, string>> = {
  ASSIGNED: 'lead.assigned',
  REFUSED: 'lead.refused',
  HELD: 'lead.held',
  QUEUED: 'lead.queued',
  NURTURE: 'lead.nurture',
};

/** Another request with the same Idempotency-Key committed first; this one rolls back and answers with that one's result. */
class IdempotencyRaceError extends Error {
  override readonly name = 'IdempotencyRaceError';
}

const fieldFailure = (errors: readonly FieldError[]) =>
  failure('LEAD_INVALID', `${errors.length} invalid field(s)`, errors.map((e) => ({ path: e.path, message: e.message })));

function enrich(n: NormalisedIntake, id: string, score: LeadScore | null, account: AccountMatch | null, screening: IntakeScreening): Lead {
  return LeadSchema.parse({
    ...n.lead,
    id,
    screening: leadScreening(screening),
    ...(score ? { score: n.lead.score ?? score.score, grade: n.lead.grade ?? score.grade, qualification: { score: score.score, grade: score.grade, qualified: score.qualified, threshold: score.qualifyAt } } : {}),
    ...(account ? { account: { id: account.account.id, ...(account.account.ownerRep ? { ownerRep: account.account.ownerRep } : {}), ...(account.account.tier ? { tier: account.account.tier } : {}), name: account.account.name } } : {}),
  });
}

/**
 * SPEC pipeline for one lead: validate → normalise → dedupe → score → account match → route →
 * persist, all writes in ONE transaction (lead, personal data, dedupe keys, decision, routing
 * state, review item, history, outbox). Bad input is a field-level failure and stores nothing.
 */
export async function ingestLead(ctx: ServiceContext, principal: Principal, raw: unknown, opts: { idempotencyKey?: string | undefined } = {}): Promise<Result<IngestOutcome, AppFailure>> {
  const requestHash = sha256Hex(canonicalJson(raw));
  const key = opts.idempotencyKey;
  if (key !== undefined) {
    const previous = await ctx.store.idempotency.get(principal.keyId, key);
    if (previous) return replay(previous, requestHash);
  }

  const receivedAtMs = ctx.clock.now();
  const normalised = normaliseIntake(raw, { at: receivedAtMs });
  if (!normalised.ok) return fieldFailure(normalised.error);
  const n = normalised.value;
  const org = ctx.orgs.current;
  if (!org.products.has(n.lead.product)) {
    return fieldFailure([{ path: '/product', code: 'unknown_product', message: `unknown product "${n.lead.product}" (known: ${[...org.products.keys()].slice(0, 20).join(', ')})` }]);
  }
  const score = org.config.scoring ? scoreLead(org.config.scoring, n, receivedAtMs) : null;
  const account = await ctx.accounts.match(n);
  const screening = screenIntake(ctx.screening, n, org.config.screening);
  const keys = [
    ...dedupeKeys(n.contact, { normaliseCompany: companyNameKey }).map((k) => k.key),
    ...(n.externalId ? [`external:${n.lead.source ?? ''}:${n.externalId}`] : []),
  ].sort();

  try {
    return await withScopeRetry(async () => {
      let publishedHere = false;
      const body = await ctx.store.transaction(async (tx) => {
        const at = toIso(ctx.clock.now());
        publishedHere = await ensureOrgPublished(tx, ctx.store, org, at, principal.keyId);
        await tx.dedupe.lockKeys(keys);
        const original = await tx.dedupe.findOpen(keys, OPEN_LEAD_STATUSES);
        const leadId = ctx.ids.next('lead');
        const lead = enrich(n, leadId, score, account, screening);
        await tx.leads.claim({ id: leadId, orgHash: org.hash, leadJson: canonicalJson(lead), receivedAt: toIso(receivedAtMs) });
        const salt = randomBytes(32).toString('hex');
        // Hit evidence derived from the person (their name tokens, date-of-birth comparisons) is personal
        // data: it lives with the contact, erasable; the history keeps only the list side of each hit.
        const screeningRecord = screeningAuditPayload(screening as unknown as { hits: readonly object[] } & Record<string, unknown>);
        await tx.personalData.put({
          leadId,
          salt,
          contactJson: JSON.stringify({ ...n.contact, address: n.address, company: n.company ?? null, screeningEvidence: screeningRecord.subjectEvidence }),
          rawJson: JSON.stringify(n.raw),
          consentJson: n.consent ? JSON.stringify(n.consent) : null,
          createdAt: at,
        });
        const accountView = account ? { id: account.account.id, matchedBy: account.matchedBy, score: account.score } : null;
        await tx.events.append({
          leadId,
          kind: 'intake',
          actor: principal.keyId,
          at,
          payloadJson: JSON.stringify({ source: lead.source ?? null, product: lead.product, jurisdiction: lead.jurisdiction, warnings: n.warnings, score, account: account ? { ...accountView, matchedOn: account.matchedOn, alternatives: account.alternatives } : null, dedupeKeyKinds: keys.map((k) => k.split(':')[0]) }),
        });
        await tx.events.append({ leadId, kind: 'screening', actor: 'system', at, payloadJson: JSON.stringify(screeningRecord.screening) });
        await auditIntake(tx, { leadId, actor: principal.keyId, at, salt, n, lead, score, keys, accountView, account, screening: screeningRecord });
        const scoreView = score ? { score: score.score, grade: score.grade, qualified: score.qualified, qualifyAt: score.qualifyAt } : null;
        let response: IngestResponse;
        if (original) {
          const originalLead = await tx.leads.get(original.leadId);
          await tx.leads.update(leadId, { status: 'DUPLICATE', teamId: null, repId: null, orgHash: org.hash, updatedAt: at, duplicateOf: original.leadId });
          const kind = original.key.split(':')[0];
          await tx.events.append({ leadId, kind: 'duplicate', actor: 'system', at, payloadJson: JSON.stringify({ duplicateOf: original.leadId, matchedOn: kind }) });
          await tx.events.append({ leadId: original.leadId, kind: 'duplicate.linked', actor: 'system', at, payloadJson: JSON.stringify({ duplicate: leadId, matchedOn: kind }) });
          await appendAudit(tx, { kind: 'dedupe', subject: leadId, actor: 'system', at, payload: { result: 'duplicate', duplicateOf: original.leadId, matchedOn: kind, status: 'DUPLICATE' } });
          await appendAudit(tx, { kind: 'dedupe', subject: original.leadId, actor: 'system', at, payload: { result: 'duplicate_linked', duplicate: leadId, matchedOn: kind } });
          await emitEvent(tx, ctx, 'lead.duplicate', { leadId, duplicateOf: original.leadId, matchedOn: kind, ownerRep: originalLead?.repId ?? null, ownerTeam: originalLead?.teamId ?? null }, at);
          response = { leadId, status: 'DUPLICATE', duplicateOf: original.leadId, decision: null, score: scoreView, account: accountView, reviewId: null, warnings: n.warnings };
        } else {
          await appendAudit(tx, { kind: 'dedupe', subject: leadId, actor: 'system', at, payload: { result: 'unique', keyKinds: keys.map((k) => k.split(':')[0]) } });
          const decision = await decideAndRecord(tx, { org, clock: ctx.clock, ids: ctx.ids }, lead, receivedAtMs);
          await tx.dedupe.add(leadId, keys);
          await tx.events.append({ leadId, kind: 'decision', actor: 'system', at: decision.decidedAt, payloadJson: JSON.stringify({ decisionId: decision.decisionId, outcome: decision.outcome, teamId: decision.team?.id ?? null, repId: decision.rep?.id ?? null, reasons: decision.reasons }) });
          const reviewId = decision.outcome === 'REFUSED' || decision.outcome === 'HELD' ? await openReviewForDecision(tx, ctx, decision) : null;
          await emitEvent(tx, ctx, OUTCOME_EVENTS[decision.outcome], { leadId, decisionId: decision.decisionId, outcome: decision.outcome, teamId: decision.team?.id ?? null, repId: decision.rep?.id ?? null, reasons: decision.reasons, reviewId }, decision.decidedAt);
          response = { leadId, status: decision.outcome, duplicateOf: null, decision, score: scoreView, account: accountView, reviewId, warnings: n.warnings };
        }
        if (key !== undefined) await claimIdempotencyKey(tx, principal.keyId, key, requestHash, 201, response, at);
        return response;
      });
      if (publishedHere) markPublished(ctx.store, org.hash);
      return ok({ statusCode: 201 as const, body, replayed: false });
    });
  } catch (e) {
    if (e instanceof IdempotencyRaceError && key !== undefined) {
      const winner = await ctx.store.idempotency.get(principal.keyId, key);
      if (winner) return replay(winner, requestHash);
    }
    throw e;
  }
}

/** Intake, account-match and screening entries of the audit trail; personal fields only as commitments (SPEC C6, C8). */
async function auditIntake(
  tx: UnitOfWork,
  i: { leadId: string; actor: string; at: string; salt: string; n: NormalisedIntake; lead: Lead; score: LeadScore | null; keys: readonly string[]; accountView: unknown; account: AccountMatch | null; screening: ReturnType<typeof screeningAuditPayload> },
): Promise<void> {
  const { n } = i;
  const intake = withCommitments(
    {
      lead: i.lead,
      contact: n.contact,
      address: n.address,
      company: n.company ?? null,
      consent: n.consent ?? null,
      behaviour: n.behaviour ?? null,
      externalId: n.externalId ?? null,
      timeZoneSource: n.timeZoneSource,
      warnings: n.warnings,
      score: i.score,
      dedupeKeyKinds: i.keys.map((k) => k.split(':')[0]),
      // The values are committed (lead.custom); which fields were sent stays readable.
      customKeys: Object.keys(i.lead.custom).sort(),
      raw: n.raw,
    },
    INTAKE_PERSONAL_PATHS,
    i.salt,
  );
  await appendAudit(tx, { kind: 'intake', subject: i.leadId, actor: i.actor, at: i.at, ...intake });
  await appendAudit(tx, {
    kind: 'account_match',
    subject: i.leadId,
    actor: 'system',
    at: i.at,
    payload: i.account ? { result: 'matched', ...(i.accountView as object), matchedOn: i.account.matchedOn, alternatives: i.account.alternatives, ownerRep: i.account.account.ownerRep } : { result: 'none' },
  });
  const { screening, subjectEvidence } = i.screening;
  await appendAudit(tx, { kind: 'screening', subject: i.leadId, actor: 'system', at: i.at, ...withCommitments({ ...(screening as object), subjectEvidence }, ['subjectEvidence'], i.salt) });
}

async function claimIdempotencyKey(tx: UnitOfWork, scope: string, key: string, requestHash: string, statusCode: number, response: unknown, at: string): Promise<void> {
  const responseJson = JSON.stringify(response);
  const stored = await tx.idempotency.put({ scope, key, requestHash, statusCode, responseJson, createdAt: at });
  if (stored.responseJson !== responseJson) throw new IdempotencyRaceError(`idempotency key ${key} was claimed by a concurrent request`);
}

function replay(previous: { requestHash: string; statusCode: number; responseJson: string }, requestHash: string): Result<IngestOutcome, AppFailure> {
  if (previous.requestHash !== requestHash) return failure('IDEMPOTENCY_KEY_REUSED');
  return ok({ statusCode: previous.statusCode === 201 ? 201 : 200, body: JSON.parse(previous.responseJson) as IngestResponse, replayed: true });
}
