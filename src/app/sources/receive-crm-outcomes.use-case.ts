import type { ErrorCode, ErrorDetail } from '../../domain/errors/error-catalogue.ts';
import { zodDetails } from '../../domain/errors/zod-details.ts';
import type { CrmSourceConfig } from '../../domain/org/sources.schema.ts';
import { OutcomeInputSchema } from '../../domain/outcomes/outcome-input.ts';
import { sha256Hex } from '../../domain/shared/canonical-json.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { amountOf, closeStatement, type CrmOutcomeEvent, type VendorFields } from '../../domain/sources/crm-outcome-event.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { recordOutcomeIn, sourceRecorder } from '../outcomes/record-outcome.use-case.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * What became of one CRM event (docs/outcomes.md "From CRM webhooks"): recorded; unchanged (the lead's current outcome
 * already said so); replayed (this event was recorded before: a redelivery); ignored (nothing to record, with the
 * reason); unmatched (no lead is known by the CRM record: counted apart, it is a link to fix); invalid (a bad value,
 * named at the CRM's field; nothing recorded).
 */
export type CrmOutcomeStatus = 'recorded' | 'unchanged' | 'replayed' | 'ignored' | 'unmatched' | 'invalid';

export interface CrmOutcomeResult {
  readonly eventId: string;
  readonly status: CrmOutcomeStatus;
  readonly leadId?: string;
  readonly outcomeId?: string;
  readonly reason?: string;
  readonly code?: ErrorCode;
  readonly details?: readonly ErrorDetail[];
}

type Ctx = Pick<ServiceContext, 'store' | 'clock' | 'ids' | 'notify' | 'orgs'>;

/** The idempotency scope of a source's events: its principal, as for its lead events (crmPrincipal). */
const scopeOf = (source: CrmSourceConfig) => `source:${source.id}`;

/**
 * The lead a CRM record names, trying each id the event carries in order: first the crm_writebacks rows of this CRM's
 * write-back targets (the record Remit wrote the owner to), then the lead taken in with that record id as its external
 * id under the source's lead source (e.g. `externalId: lead.Id` for Salesforce Leads).
 */
export async function leadForCrmRecord(ctx: Ctx, source: CrmSourceConfig, recordIds: readonly string[]): Promise<string | undefined> {
  const targets = (ctx.orgs.current.config.crmWriteBack ?? []).filter((t) => t.kind === source.kind).map((t) => t.id);
  const defaultSource = source.defaults.source;
  const leadSource = source.outcomes?.leadSource ?? (defaultSource === undefined ? source.kind : String(defaultSource));
  for (const id of recordIds) {
    const written = await ctx.store.crmWritebacks.leadForRecord(targets, id);
    if (written !== undefined) return written;
    const external = await ctx.store.dedupe.findLatest([`external:${leadSource}:${id}`]);
    if (external !== undefined) return external.leadId;
  }
  return undefined;
}

/** An outcome field's problem, moved to the CRM field it came from ("/value" → "amount"). */
const atVendorField = (fields: VendorFields, d: ErrorDetail): ErrorDetail => {
  const field = d.path.replace(/^\//, '').split('/')[0] as keyof VendorFields;
  return { path: fields[field] ?? d.path, message: d.message };
};

type Statement = { readonly ok: true; readonly input: unknown } | { readonly ok: false; readonly reason: string };

/** What the event states for the lead: a closed deal, or a new amount for the outcome this source recorded earlier. */
async function statementOf(tx: UnitOfWork, source: CrmSourceConfig, e: CrmOutcomeEvent, leadId: string): Promise<Statement> {
  if (e.kind === 'close') return { ok: true, input: closeStatement(e, source.outcomes) };
  if (e.kind === 'ignored') return { ok: false, reason: e.reason };
  const current = (await tx.outcomes.listForLead(leadId)).at(-1);
  if (current === undefined || current.recordedBy !== `crm:${source.id}`)
    return {
      ok: false,
      reason:
        'amount changed, but the lead has no outcome from this source to update (deal not closed, or its outcome came from elsewhere)',
    };
  const value = amountOf(e.value);
  return {
    ok: true,
    input: {
      kind: current.kind,
      reasonCode: current.reasonCode,
      closedAt: current.closedAt,
      ...(current.note === null ? {} : { note: current.note }),
      ...(value === undefined ? {} : { value, currency: e.currency ?? current.currency ?? source.outcomes?.currency }),
    },
  };
}

/** One event in one transaction: lock the lead, answer a redelivery from its record, else record and claim the key. */
async function recordEvent(ctx: Ctx, source: CrmSourceConfig, e: CrmOutcomeEvent, leadId: string): Promise<CrmOutcomeResult> {
  const base = { eventId: e.eventId, leadId };
  const requestHash = sha256Hex(e.fingerprint);
  return ctx.store.transaction(async (tx) => {
    if (!(await tx.leads.lock(leadId))) return { ...base, status: 'unmatched', reason: `lead ${leadId} no longer exists` };
    const earlier = await tx.idempotency.get(scopeOf(source), e.key);
    if (earlier !== undefined) {
      if (earlier.requestHash !== requestHash)
        return { ...base, status: 'invalid', code: 'IDEMPOTENCY_KEY_REUSED', reason: 'the same event id came with other content' };
      return { ...(JSON.parse(earlier.responseJson) as CrmOutcomeResult), status: 'replayed' };
    }
    const statement = await statementOf(tx, source, e, leadId);
    if (!statement.ok) return { ...base, status: 'ignored', reason: statement.reason };
    const fields = e.kind === 'ignored' ? ({} as VendorFields) : e.fields;
    const parsed = OutcomeInputSchema.safeParse(statement.input);
    if (!parsed.success)
      return {
        ...base,
        status: 'invalid',
        code: 'OUTCOME_INVALID',
        details: zodDetails(parsed.error.issues).map((d) => atVendorField(fields, d)),
      };
    const recorder = sourceRecorder('crm', `crm:${source.id}`);
    const recorded = await recordOutcomeIn(tx, ctx, recorder, leadId, parsed.data, []);
    if (!recorded.ok)
      return {
        ...base,
        status: 'invalid',
        code: recorded.error.code,
        details: recorded.error.details.map((d) => atVendorField(fields, d)),
      };
    const answer: CrmOutcomeResult = {
      ...base,
      status: recorded.value.replayed ? 'unchanged' : 'recorded',
      outcomeId: recorded.value.outcome.id,
    };
    const at = toIso(ctx.clock.now());
    await tx.idempotency.put({
      scope: scopeOf(source),
      key: e.key,
      requestHash,
      statusCode: 200,
      responseJson: JSON.stringify(answer),
      createdAt: at,
    });
    return answer;
  });
}

/**
 * docs/outcomes.md "From CRM webhooks": each closed-deal event of a verified delivery, in order, recorded as the
 * outcome of the lead its CRM record names, by `crm:<source id>` on channel `crm`. Idempotent per event (the key and the
 * answer are stored with the outcome, in its transaction); an event about a record Remit does not know is unmatched, one
 * that states no outcome ignored, each with the reason. Every event gets its own answer, so one bad event does not hold back
 * the rest of a HubSpot batch.
 */
export async function receiveCrmOutcomes(
  ctx: Ctx,
  source: CrmSourceConfig,
  events: readonly CrmOutcomeEvent[],
): Promise<CrmOutcomeResult[]> {
  const results: CrmOutcomeResult[] = [];
  for (const e of events) {
    if (e.kind === 'ignored') {
      results.push({ eventId: e.eventId, status: 'ignored', reason: e.reason });
      continue;
    }
    const leadId = await leadForCrmRecord(ctx, source, e.recordIds);
    if (leadId === undefined)
      results.push({
        eventId: e.eventId,
        status: 'unmatched',
        reason: `no lead is known by ${source.kind} record ${e.recordIds.join(' or ')} (write-back records, external ids)`,
      });
    else results.push(await recordEvent(ctx, source, e, leadId));
  }
  return results;
}
