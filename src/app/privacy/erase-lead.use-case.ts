import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { Clock } from '../../domain/shared/clock.ts';
import { retentionOf, shiftByPeriod, type RetentionConfig } from '../../domain/org/retention.schema.ts';
import { holdsRepCapacity } from '../../domain/lead/lead-status.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { appendAudit } from '../audit/audit-trail.ts';

/**
 * docs/audit.md "Personal data and erasure": an erasure request removes the lead's personal data —
 * contact data, the raw payload, consent and the commitment salt (personal_data), the dedupe keys
 * (normalised email, phone, name + company), and the personal members of the stored lead — while the
 * decision record is kept for its legal period: the decision document, the routing lead and the
 * audit log, which never held personal data in clear (only salted commitments, now unopenable), so
 * `remit audit verify` stays green. The erasure is itself audited with its retention basis and the
 * period the org keeps decision records for (org config `retention`, docs/operations.md).
 */

/** What an erasure records about the decision record it keeps: the org's `retention.basis` and `retention.decisionRecords`. */
export type DecisionRetention = Pick<RetentionConfig, 'basis' | 'decisionRecords'>;

/** Members of the stored (routing) lead that may identify the person; removed from lead_json on erasure. */
const LEAD_PERSONAL_MEMBERS = ['postalCode', 'custom'] as const;

export interface ErasureResult {
  readonly leadId: string;
  readonly erasedAt: string;
  readonly removed: readonly string[];
  readonly retained: readonly string[];
  readonly retention: { readonly basis: string; readonly period: string; readonly until: string };
}

/** What a retried request with an Idempotency-Key that created the lead gets back after the erasure. */
const erasedAnswer = (leadId: string) => ({
  leadId,
  status: 'ERASED',
  duplicateOf: null,
  decision: null,
  score: null,
  account: null,
  reviewId: null,
  warnings: [],
});

export interface EraseLeadDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** Default: an org without a retention section (RetentionSchema's defaults). */
  readonly retention?: DecisionRetention | undefined;
}

export async function eraseLead(
  deps: EraseLeadDeps,
  actor: string,
  leadId: string,
  reason: string,
): Promise<Result<ErasureResult, AppFailure>> {
  const retention = deps.retention ?? retentionOf({});
  return deps.store.transaction(async (tx) => {
    const lead = await tx.leads.lock(leadId);
    if (!lead) return failure('NOT_FOUND', `no lead ${leadId}`);
    const personal = await tx.personalData.get(leadId);
    if (personal?.erasedAt) return failure('CONFLICT', `the personal data of lead ${leadId} was erased at ${personal.erasedAt}`);
    const at = toIso(deps.clock.now());
    const removed: string[] = [];
    // personalData.erase also deletes the lead's screening name keys (hashes of its names' index keys, migration 0029)
    if (await tx.personalData.erase(leadId, at)) {
      removed.push('personal_data: contact (names, email, phone, date of birth, company, address), raw payload, consent, commitment salt');
      removed.push('screening name keys (hashes of the name index keys, for delta re-screening)');
    }
    await tx.dedupe.removeForLead(leadId);
    removed.push('dedupe keys (normalised email, phone, name + company, external id)');
    // A stored idempotent answer stays answerable (a retry must still create nothing) but says only that the lead was erased.
    const answers = await tx.idempotency.replaceResponsesForLead(leadId, JSON.stringify(erasedAnswer(leadId)));
    if (answers > 0) removed.push(`idempotent answers (${answers}): replaced by an ERASED answer`);
    const conduct = await tx.conduct.forgetLeadContact(leadId);
    if (conduct.outreach + conduct.consentChanges > 0) {
      removed.push(`phone number on ${conduct.outreach} outreach record(s) and ${conduct.consentChanges} consent change(s)`);
    }
    // docs/outcomes.md: an outcome's note is free text that may name the person; its facts stay for statistics.
    const notes = await tx.outcomes.forgetNotes(leadId);
    if (notes > 0) removed.push(`notes on ${notes} outcome(s)`);
    const doc = JSON.parse(lead.leadJson) as Record<string, unknown>;
    const present: string[] = LEAD_PERSONAL_MEMBERS.filter((m) => m in doc);
    for (const m of present) delete doc[m];
    // docs/intake.md "Company data": a company's domain may name a sole trader; its firmographics stay.
    const company = doc.company as Record<string, unknown> | undefined;
    if (company !== undefined && 'domain' in company) {
      delete company.domain;
      present.push('company.domain');
    }
    if (present.length > 0) removed.push(`lead record: ${present.join(', ')}`);
    // An assignment ends with the erasure: free the rep's capacity, as closing the lead would.
    if (holdsRepCapacity(lead.status) && lead.repId) {
      await tx.routingState.lockScope({ pools: [], repIds: [lead.repId] });
      await tx.routingState.releaseOpen(lead.repId);
    }
    await tx.leads.update(leadId, {
      status: 'ERASED',
      teamId: lead.teamId,
      repId: lead.repId,
      orgHash: lead.orgHash,
      updatedAt: at,
      ...(present.length > 0 ? { leadJson: JSON.stringify(doc) } : {}),
    });
    const decisions = await tx.decisions.listForLead(leadId);
    const last = decisions.at(-1)?.decidedAt ?? lead.receivedAt;
    const until = shiftByPeriod(Date.parse(last), retention.decisionRecords, 1);
    const retained = [
      `decision records (${decisions.length}): decision documents, routing lead, routing state read`,
      'audit log entries: personal fields only as salted commitments, now unopenable (salt erased)',
      'lead history (lead_events) and outbox events: ids, outcomes and reasons',
      'outreach and consent records without the number',
      'outcomes (kind, value, reason code, close date, decision facts) without their notes, for conversion statistics',
      'opt-outs as recorded: an objection must keep suppressing the person (GDPR Art. 21(3), PECR reg. 21)',
    ];
    const kept = { basis: retention.basis, period: retention.decisionRecords, until: toIso(until) };
    const result: ErasureResult = { leadId, erasedAt: at, removed, retained, retention: kept };
    await tx.events.append({
      leadId,
      kind: 'erasure',
      actor,
      at,
      payloadJson: JSON.stringify({ reason, removed, retention: result.retention }),
    });
    await appendAudit(tx, {
      kind: 'erasure',
      subject: leadId,
      actor,
      at,
      payload: { action: 'personal_data.erased', reason, previousStatus: lead.status, removed, retained, retention: result.retention },
    });
    return ok(result);
  });
}
