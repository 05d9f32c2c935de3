import { zodDetails } from '../../domain/errors/zod-details.ts';
import type { CrmSourceConfig } from '../../domain/org/sources.schema.ts';
import { err, ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { HubSpotSubmissionSchema, hubSpotEventId, hubSpotFields } from '../../domain/sources/hubspot-submission.ts';
import { describeFieldErrors, instantOf, mapSourceFields, type SourceFields } from '../../domain/sources/map-source-fields.ts';
import { SalesforceLeadEventSchema, salesforceFields } from '../../domain/sources/salesforce-lead-event.ts';
import type { CrmOutcomeEvent } from '../../domain/sources/crm-outcome-event.ts';
import { HubSpotDealEventsSchema, hubSpotDealEvents } from '../../domain/sources/hubspot-deal-events.ts';
import {
  isSalesforceOpportunity,
  SalesforceOpportunityEventSchema,
  salesforceOpportunityEvent,
} from '../../domain/sources/salesforce-opportunity-event.ts';
import { receiveCrmOutcomes, type CrmOutcomeResult } from './receive-crm-outcomes.use-case.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { admitAll, type IntakeGate } from '../intake/intake-limiter.ts';
import { ingestLead } from '../intake/ingest-lead.use-case.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { environmentSecrets, type SecretLookup } from './secret-equals.ts';
import { verifyHubSpotV3, verifyRemitSignature, type SignatureCheck } from './inbound-webhook-signatures.ts';

export type CrmKind = CrmSourceConfig['kind'];

/** The request as received: the signature covers the exact raw body. */
export interface CrmWebhookRequest {
  readonly method: string;
  /** Full URL the sender called (HubSpot signs it). */
  readonly uri: string;
  readonly rawBody: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface CrmWebhookAccepted {
  readonly kind: 'lead';
  readonly statusCode: 200 | 201;
  readonly replayed: boolean;
  readonly body: {
    readonly leadId: string;
    readonly status: string;
    readonly duplicateOf: string | null;
    readonly reviewId: string | null;
    readonly eventId: string;
  };
}

/** A delivery of closed-deal events (docs/outcomes.md "From CRM webhooks"): one answer per event, always 200. */
export interface CrmOutcomesAccepted {
  readonly kind: 'outcomes';
  readonly statusCode: 200;
  readonly body: { readonly events: readonly CrmOutcomeResult[] };
}

export const findCrmSource = (ctx: Pick<ServiceContext, 'orgs'>, kind: CrmKind, sourceId: string): CrmSourceConfig | undefined =>
  ctx.orgs.current.config.sources.crm.find((s) => s.id === sourceId && s.kind === kind);

export const crmPrincipal = (source: CrmSourceConfig): Principal => ({
  userId: `source:${source.id}`,
  keyId: `source:${source.id}`,
  name: source.name ?? `${source.kind} ${source.id}`,
  roles: ['integration'],
  repId: null,
});

const header = (h: CrmWebhookRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

interface ParsedEvent {
  readonly eventId: string;
  readonly fields: SourceFields;
  /** When the event happened at the source: consent time unless mapped, and stable across redeliveries. */
  readonly occurredAt: string | undefined;
}

function parseEvent(kind: CrmKind, body: unknown): Result<ParsedEvent, AppFailure> {
  if (kind === 'hubspot') {
    const parsed = HubSpotSubmissionSchema.safeParse(body);
    if (!parsed.success)
      return failure('LEAD_INVALID', 'not a HubSpot form-submission payload', zodDetails(parsed.error.issues, { under: ['body'] }));
    const eventId = hubSpotEventId(parsed.data);
    if (eventId === undefined)
      return failure('LEAD_INVALID', 'the payload has no event id', [
        { path: '/body/eventId', message: 'eventId or conversionId is required (idempotency)' },
      ]);
    const submittedAt = parsed.data.submittedAt;
    return ok({
      eventId,
      fields: hubSpotFields(parsed.data),
      occurredAt: submittedAt === undefined ? undefined : instantOf(String(submittedAt)),
    });
  }
  const parsed = SalesforceLeadEventSchema.safeParse(body);
  if (!parsed.success) return failure('LEAD_INVALID', 'not a Salesforce Lead event', zodDetails(parsed.error.issues, { under: ['body'] }));
  return ok({
    eventId: parsed.data.eventId,
    fields: salesforceFields(parsed.data),
    occurredAt: parsed.data.occurredAt === undefined ? undefined : instantOf(parsed.data.occurredAt),
  });
}

/** HubSpot sends its Webhooks API events as a JSON array; Salesforce names the sObject. Anything else is a lead. */
const isOutcomeDelivery = (kind: CrmKind, body: unknown): boolean =>
  kind === 'hubspot' ? Array.isArray(body) : isSalesforceOpportunity(body);

function outcomeEvents(source: CrmSourceConfig, body: unknown): Result<CrmOutcomeEvent[], AppFailure> {
  if (source.kind === 'hubspot') {
    const parsed = HubSpotDealEventsSchema.safeParse(body);
    if (!parsed.success)
      return failure('OUTCOME_INVALID', 'not a HubSpot webhook event batch', zodDetails(parsed.error.issues, { under: ['body'] }));
    return ok(hubSpotDealEvents(parsed.data, source.outcomes));
  }
  const parsed = SalesforceOpportunityEventSchema.safeParse(body);
  if (!parsed.success)
    return failure('OUTCOME_INVALID', 'not a Salesforce Opportunity event', zodDetails(parsed.error.issues, { under: ['body'] }));
  return ok([salesforceOpportunityEvent(parsed.data, source.outcomes)]);
}

function verify(source: CrmSourceConfig, secret: string, req: CrmWebhookRequest, nowMs: number): SignatureCheck {
  if (source.kind === 'hubspot') {
    return verifyHubSpotV3({
      secret,
      method: req.method,
      uri: req.uri,
      body: req.rawBody,
      signature: header(req.headers, 'x-hubspot-signature-v3'),
      timestamp: header(req.headers, 'x-hubspot-request-timestamp'),
      nowMs,
      toleranceSeconds: source.toleranceSeconds,
    });
  }
  return verifyRemitSignature({
    secret,
    body: req.rawBody,
    header: header(req.headers, 'remit-signature'),
    nowMs,
    toleranceSeconds: source.toleranceSeconds,
  });
}

/**
 * A CRM / marketing webhook (docs/sources.md): verify the signature over the raw body, parse the source's
 * payload shape, map it through the source's configured field map, and ingest it through the one
 * pipeline, idempotent on `<sourceId>:<eventId>` (a redelivered event answers with the first result).
 * Closed-deal events (a HubSpot event batch, a Salesforce Opportunity) pass the same signature check and record
 * outcomes instead (receive-crm-outcomes.use-case.ts).
 */
export async function receiveCrmWebhook(
  ctx: ServiceContext,
  source: CrmSourceConfig,
  req: CrmWebhookRequest,
  secrets: SecretLookup = environmentSecrets,
  admit: IntakeGate = admitAll,
): Promise<Result<CrmWebhookAccepted | CrmOutcomesAccepted, AppFailure>> {
  const secret = secrets(source.secretEnv);
  if (secret === undefined)
    return failure('UNAVAILABLE', `source ${source.id} is not configured: environment variable ${source.secretEnv} is not set`);
  const check = verify(source, secret, req, ctx.clock.now());
  if (!check.ok) return failure('SIGNATURE_INVALID', `${source.kind} source ${source.id}: ${check.reason}`);
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody);
  } catch (e) {
    return failure('INPUT_UNREADABLE', `malformed JSON: ${(e as Error).message}`);
  }
  if (isOutcomeDelivery(source.kind, body)) {
    const events = outcomeEvents(source, body);
    if (!events.ok) return events;
    return ok({ kind: 'outcomes', statusCode: 200, body: { events: await receiveCrmOutcomes(ctx, source, events.value) } });
  }
  const event = parseEvent(source.kind, body);
  if (!event.ok) return event;
  const { eventId, fields, occurredAt } = event.value;
  const { payload, fieldOf } = mapSourceFields(source, fields, occurredAt ?? toIso(ctx.clock.now()));
  // Counted once the signature and payload are good: an unsigned flood cannot use up the real source's allowance.
  const admission = admit(1);
  if (admission.kind === 'refused') return err(admission.failure);
  const result = await ingestLead(ctx, crmPrincipal(source), payload, { idempotencyKey: `${source.id}:${eventId}`.slice(0, 200) }).finally(
    admission.release,
  );
  if (!result.ok) return err({ ...result.error, details: describeFieldErrors(result.error.details, fieldOf, `${source.kind} field`) });
  const b = result.value.body;
  return ok({
    kind: 'lead',
    statusCode: result.value.statusCode,
    replayed: result.value.replayed,
    body: { leadId: b.leadId, status: b.status, duplicateOf: b.duplicateOf, reviewId: b.reviewId, eventId },
  });
}
