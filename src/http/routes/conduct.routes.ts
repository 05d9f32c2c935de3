import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordRegistryScrub, upsertPromotion } from '../../app/conduct/conduct-admin.use-case.ts';
import type { AppFailure } from '../../app/shared/app-error.ts';
import { FACT_EVENTS, recordLeadFact, transitionLead } from '../../app/conduct/lead-lifecycle.use-case.ts';
import { LIFECYCLE_TARGETS } from '../../domain/lifecycle/lifecycle-targets.ts';
import { canSee } from '../../app/queries/lead-queries.ts';
import { checkLeadOutreach, recordConsentChange, recordLeadOutreach, recordOptOut } from '../../app/conduct/outreach.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { ChannelSchema, PurposeSchema } from '../../domain/conduct/rule-pack.schema.ts';
import type { Result } from '../../domain/shared/result.ts';
import { principalOf } from '../auth.ts';
import { sendError, sendFailure } from '../reply-error.ts';

const Id = z.string().min(1).max(128);
const Instant = z.iso.datetime({ offset: true });
const LeadParams = z.object({ id: Id });

/** Who works a lead: its rep (own leads only), ops and admin. */
const WORKERS = ['admin', 'ops', 'rep'] as const;
/** Who may record a conduct fact: those who work the lead, and compliance (the only role that may date one beyond the bound). */
const FACT_RECORDERS = [...WORKERS, 'compliance'] as const;
/** Anyone who may receive a STOP / objection or a consent may record it. */
const RECORDERS = ['admin', 'ops', 'compliance', 'rep'] as const;

/** The failure body carries what the caller needs to act in its extra fields (reasonCode, earliestAllowedAt / nextAllowedAt, rules). */
const answer = <T>(reply: FastifyReply, r: Result<T, AppFailure>, status = 200) =>
  r.ok ? reply.code(status).send(r.value) : sendFailure(reply, r.error);

const Automated = z.strictObject({ autodialled: z.boolean(), prerecorded: z.boolean() });

/** The outreach a caller describes, whether asking the gate or recording it. */
const OutreachBody = {
  channel: ChannelSchema,
  templateId: Id.optional().describe('Financial promotion / template id'),
  promotionId: Id.optional().describe('Alias of templateId'),
  subject: z.string().min(1).max(200).optional().describe("For per-subject call caps; default the lead's product"),
  purpose: PurposeSchema.optional().describe('Default marketing'),
  automated: Automated.optional(),
};

/** The conduct surface of a lead (lifecycle, outreach, its conduct log) and the firm-wide conduct records, in OpenAPI order. */
export function registerConductRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerLifecycleRoutes(app, ctx);
  registerOutreachRoutes(app, ctx);
  registerConductLogRoute(app, ctx);
  registerConductAdminRoutes(app, ctx);
}

/** Transitions and the facts a cooling-off window counts from. */
function registerLifecycleRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/leads/:id/transitions',
    {
      config: { roles: WORKERS },
      schema: {
        tags: ['lifecycle'],
        summary: 'Move a lead through its lifecycle (C5): the state machine and cooling-off windows are enforced; refusals are recorded',
        description:
          '409 TRANSITION_NOT_ALLOWED (reasonCode INVALID_TRANSITION / UNKNOWN_STATE, allowedTargets) or 422 ' +
          'COOLING_OFF_BLOCKED (reasonCode COOLING_OFF_ACTIVE / COOLING_OFF_EVENT_MISSING / ' +
          'CUSTOMER_TIME_ZONE_UNKNOWN, earliestAllowedAt, coolingOff citation). WON / LOST / NURTURE free the ' +
          "rep's capacity; ACCEPTED and the first CONTACTED stop the SLA timers. Reps: own leads only.",
        params: LeadParams,
        body: z.strictObject({ to: z.enum(LIFECYCLE_TARGETS), reason: z.string().trim().min(1).max(2000).optional() }),
      },
    },
    async (request, reply) => answer(reply, await transitionLead(ctx, principalOf(request), request.params.id, request.body)),
  );

  r.post(
    '/v1/leads/:id/facts',
    {
      config: { roles: FACT_RECORDERS },
      schema: {
        tags: ['lifecycle'],
        summary:
          'Record a lifecycle fact a cooling-off window counts from (information provided, scope of appointment signed) and/or sale flags',
        params: LeadParams,
        body: z
          .strictObject({
            event: z.enum(FACT_EVENTS).optional(),
            flags: z
              .array(z.enum(['distance_contract', 'replacement', 'senior', 'soa_exception']))
              .max(8)
              .optional(),
            at: Instant.optional().describe(
              "When it happened; default now. Not before the lead was received; at most the org's " +
                'conduct.factBackdatingHours (default 24) back, further only by compliance.',
            ),
          })
          .refine((b) => b.event !== undefined || (b.flags?.length ?? 0) > 0, 'give an event or flags'),
      },
    },
    async (request, reply) => answer(reply, await recordLeadFact(ctx, principalOf(request), request.params.id, request.body), 201),
  );
}

/** The outreach gate, recorded outreach, opt-outs and consents. */
function registerOutreachRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/leads/:id/outreach-check',
    {
      config: { roles: RECORDERS },
      schema: {
        tags: ['outreach'],
        summary: 'May this outreach happen (C4)? allow / deny with every rule that applied, nextAllowedAt and alerts',
        params: LeadParams,
        body: z.strictObject({ ...OutreachBody, at: Instant.optional().describe('When it would fire; default now') }),
      },
    },
    async (request, reply) => answer(reply, await checkLeadOutreach(ctx, principalOf(request), request.params.id, request.body)),
  );

  r.post(
    '/v1/leads/:id/outreach',
    {
      config: { roles: WORKERS },
      schema: {
        tags: ['outreach'],
        summary:
          'Record an outreach happening now, only if the gate allows it now (re-checked in the same transaction); ' +
          'a denied one is 422 OUTREACH_DENIED with the rules',
        params: LeadParams,
        body: z.strictObject(OutreachBody),
      },
    },
    async (request, reply) => answer(reply, await recordLeadOutreach(ctx, principalOf(request), request.params.id, request.body), 201),
  );

  r.post(
    '/v1/leads/:id/opt-outs',
    {
      config: { roles: RECORDERS },
      schema: {
        tags: ['outreach'],
        summary:
          'Record a STOP / unsubscribe / objection on a channel: every marketing channel is suppressed for the ' +
          'person (also on their other leads)',
        params: LeadParams,
        body: z.strictObject({ channel: ChannelSchema, kind: z.enum(['stop', 'unsubscribe', 'objection']), at: Instant.optional() }),
      },
    },
    async (request, reply) => answer(reply, await recordOptOut(ctx, principalOf(request), request.params.id, request.body), 201),
  );

  r.post(
    '/v1/leads/:id/consents',
    {
      config: { roles: RECORDERS },
      schema: {
        tags: ['outreach'],
        summary: "Record a consent given (with its wording; for TCPA: prior express written, naming the lead's number) or withdrawn",
        params: LeadParams,
        body: z.strictObject({
          channel: ChannelSchema,
          action: z.enum(['grant', 'revoke']),
          at: Instant.optional(),
          wording: z.string().trim().min(1).max(4000).optional(),
          priorExpressWritten: z.boolean().optional(),
          conditionOfPurchase: z.boolean().optional(),
        }),
      },
    },
    async (request, reply) => answer(reply, await recordConsentChange(ctx, principalOf(request), request.params.id, request.body), 201),
  );
}

/** What happened on a lead's conduct side, for the people who may see the lead. */
function registerConductLogRoute(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/leads/:id/conduct',
    {
      config: { roles: RECORDERS },
      schema: {
        tags: ['outreach'],
        summary: "The lead's outreach log, opt-outs, consent changes and SLA timers (reps: own leads only)",
        params: LeadParams,
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const lead = await ctx.store.leads.get(id);
      if (!lead || !canSee(principalOf(request), lead)) return sendError(reply, 'NOT_FOUND', `no lead ${id}`);
      const [outreach, optOuts, consents, timers] = await Promise.all([
        ctx.store.conduct.listOutreach({ leadId: id }),
        ctx.store.conduct.listOptOuts({ leadId: id }),
        ctx.store.conduct.listConsentChanges(id),
        ctx.store.slaTimers.listForLead(id),
      ]);
      return {
        leadId: id,
        status: lead.status,
        repId: lead.repId,
        outreach: outreach.map(({ decisionJson, phone: _phone, ...o }) => ({
          ...o,
          decision: (JSON.parse(decisionJson) as { decision: string }).decision,
        })),
        optOuts: optOuts.map(({ phone: _p, email: _e, ...o }) => o),
        consents: consents.map(({ phone: _p, ...c }) => c),
        slaTimers: timers.map(({ outcomeJson, ...t }) => ({ ...t, outcome: outcomeJson ? (JSON.parse(outcomeJson) as unknown) : null })),
      };
    },
  );
}

/** Registry scrubs and approved financial promotions: firm-wide, not per lead. */
function registerConductAdminRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/conduct/registry-scrubs',
    {
      config: { roles: ['admin', 'ops', 'compliance'] },
      schema: {
        tags: ['outreach'],
        summary: 'Record a do-not-call registry scrub (US_NATIONAL_DNC, UK_TPS …): when it ran and which E.164 numbers it found listed',
        body: z.strictObject({
          registry: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
          scrubbedAt: Instant,
          listed: z.array(z.string().regex(/^\+[1-9]\d{6,14}$/)).max(100_000),
          source: z.string().min(1).max(200).optional(),
        }),
      },
    },
    async (request, reply) => reply.code(201).send(await recordRegistryScrub(ctx, principalOf(request), request.body)),
  );

  r.put(
    '/v1/conduct/promotions/:id',
    {
      config: { roles: ['admin', 'compliance'] },
      schema: {
        tags: ['outreach'],
        summary: 'Approve (or update) a financial promotion the outreach gate accepts as templateId',
        params: z.object({ id: Id }),
        body: z.strictObject({
          approver: z.string().min(1).max(200),
          jurisdictions: z.array(z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/)).min(1),
          audience: z.enum(['all', 'professional_only']).default('all'),
          validFrom: Instant.nullable().optional(),
          validTo: Instant.nullable().optional(),
        }),
      },
    },
    async (request) => upsertPromotion(ctx, principalOf(request), { id: request.params.id, ...request.body }),
  );
}
