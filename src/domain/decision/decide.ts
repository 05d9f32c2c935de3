import { orgReasonCode } from '../eligibility/reason-codes.ts';
import type { TraceEntry } from '../conditions/compile-condition.ts';
import { assessCustomer, type CustomerProfile } from '../eligibility/customer-profile.ts';
import { applies, type DecisionContext } from '../eligibility/eligibility-check.ts';
import { NO_PRESENCE, type PresenceSnapshot, type RepAway } from '../eligibility/rep-presence.ts';
import type { Lead } from '../lead/lead.ts';
import type { CompiledOrg, CompiledRule, CompiledTeam } from '../org/compiled-org.ts';
import type { ProductConfig, RuleConfig } from '../org/org-config.schema.ts';
import { toIso, zonedParts } from '../shared/zoned-time.ts';
import { NO_CHANGES, type RoutingStateView, type StateChanges } from '../strategies/routing-state.ts';
import type { Candidate, StrategyContext } from '../strategies/strategy.ts';
import type { ConversionModelSnapshot } from '../outcomes/conversion-model.ts';
import type { Decision, DecisionOutcome, DecisionReason, RepVerdict, StrategyStepRecord, TeamVerdict } from './decision.ts';
import { LEAD_GATES } from './lead-gates.ts';
import { fallBack, fallbackScope } from './fallback.ts';
import { evaluateTeam } from './team-verdict.ts';

export interface DecisionInput {
  readonly org: CompiledOrg;
  readonly lead: Lead;
  /** Decision time, epoch ms (from the caller's Clock). */
  readonly at: number;
  readonly state: RoutingStateView;
  readonly decisionId: string;
  /** Reps that must not be chosen this time (SLA re-route: the rep who missed). They are still evaluated and shown. */
  readonly excludeReps?: readonly string[];
  /** Reps who marked themselves away (rep presence), read in the same transaction; absent = nobody away. */
  readonly presence?: PresenceSnapshot;
  /**
   * Reps taken away from this lead by an operation (a bulk reassignment). Unlike excludeReps it is recorded in the
   * decision (`exclusion`), so a replay re-applies it and the story says why an eligible rep was passed over.
   */
  readonly exclusion?: RepExclusion;
  /** The conversion model snapshot (issue 17) an outcome-aware step reads; absent = nothing learned yet. */
  readonly outcomeModel?: ConversionModelSnapshot;
}

/** An operation's exclusion of named reps, as recorded in the decision. */
export interface RepExclusion {
  readonly repIds: readonly string[];
  readonly code: 'REASSIGNED_AWAY';
  readonly detail: string;
}

export interface DecisionResult {
  readonly decision: Decision;
  /** What to persist with the assignment, in the same transaction. */
  readonly changes: StateChanges;
}

const UNKNOWN_PRODUCT: ProductConfig = {
  id: 'unknown',
  name: 'unknown',
  productLines: [],
  complexity: 'non_complex',
  massMarket: true,
  targetCustomerTypes: [],
  retailRequiresStatus: [],
  requiresAppointment: false,
};

interface Draft {
  outcome: DecisionOutcome;
  team: Decision['team'];
  rep: Decision['rep'];
  rule: Decision['rule'];
  candidates: TeamVerdict[];
  strategy: Decision['strategy'];
  reasons: DecisionReason[];
  changes: StateChanges;
}

type RouteThen = Extract<RuleConfig['then'], { kind: 'route' }>;

function route(ctx: DecisionContext, rule: CompiledRule, then: RouteThen): Omit<Draft, 'rule'> {
  const teams = then.teams === 'all' ? ctx.org.teams : then.teams.map((id) => ctx.org.teamsById.get(id)!);
  const candidates: TeamVerdict[] = [];
  const eligible: Candidate[] = [];
  let firstLawfulTeam: CompiledTeam | null = null;
  for (const team of teams) {
    const t = evaluateTeam(ctx, team);
    candidates.push(t.verdict);
    eligible.push(...t.eligible);
    if (!firstLawfulTeam && t.lawfulReps > 0 && t.verdict.reasons.every((r) => r.code === 'NO_ELIGIBLE_REP')) firstLawfulTeam = team;
  }
  const base = { team: null, rep: null, candidates, strategy: null, changes: NO_CHANGES };
  if (eligible.length === 0 && !firstLawfulTeam) {
    const refused = {
      ...base,
      outcome: 'REFUSED' as const,
      reasons: [
        { code: 'NO_LAWFUL_CANDIDATE' as const, detail: `rule ${rule.id}: none of ${teams.length} candidate teams has a lawful rep` },
      ],
    };
    // An unregulated lead nobody may take is sales ops' problem, not compliance's: the fallback owner or the ops queue.
    return ctx.licensing.status === 'checked' ? refused : { ...fallBack(ctx, then.fallback, refused.reasons[0]!), candidates };
  }
  if (eligible.length === 0) {
    return {
      ...base,
      outcome: 'QUEUED',
      team: { id: firstLawfulTeam!.id, name: firstLawfulTeam!.name },
      reasons: [{ code: 'NO_AVAILABLE_REP', detail: `team ${firstLawfulTeam!.id} has lawful reps but none is available now` }],
    };
  }

  const sctx: StrategyContext = {
    lead: ctx.lead,
    product: ctx.product,
    at: ctx.at,
    state: ctx.state,
    teamOrder: teams.map((t) => t.id),
    ...(ctx.decisionId !== undefined ? { decisionId: ctx.decisionId } : {}),
    ...(ctx.outcomes ? { outcomes: ctx.outcomes } : {}),
  };
  const chain: StrategyStepRecord[] = [];
  let remaining: readonly Candidate[] = eligible;
  for (const step of rule.chain) {
    const applied = step.apply(sctx, remaining);
    // A step that narrows to one candidate has chosen: the record credits it, not the step after.
    const outcome =
      applied.kind === 'narrowed' && applied.candidates.length === 1
        ? { kind: 'picked' as const, candidate: applied.candidates[0]!, note: applied.note }
        : applied;
    if (outcome.kind === 'narrowed') remaining = outcome.candidates;
    chain.push({ kind: step.kind, result: outcome.kind, note: outcome.note, remaining: outcome.kind === 'picked' ? 1 : remaining.length });
    if (outcome.kind === 'picked') {
      const { team, rep } = outcome.candidate;
      const day = ctx.org.repsById.get(rep.id)!.timeZone;
      return {
        outcome: 'ASSIGNED',
        team: { id: team.id, name: team.name },
        rep: { id: rep.id, name: rep.name },
        candidates,
        strategy: { chain, chosenBy: step.kind, details: outcome.details ?? null },
        reasons: [
          { code: 'ASSIGNED', detail: `${rep.id} in ${team.id} chosen by ${step.kind}: ${outcome.note}` },
          ...('reason' in outcome && outcome.reason ? [outcome.reason] : []),
        ],
        changes: { ledger: outcome.changes ?? null, load: { repId: rep.id, day: localDay(day, ctx.at), openDelta: 1, todayDelta: 1 } },
      };
    }
  }
  // buildChain always ends with a picker; reaching here is a bug, not an expected outcome.
  throw new Error(`strategy chain of rule ${rule.id} picked nobody`);
}

const localDay = (timeZone: string, at: number) => zonedParts(timeZone, at).date;

const RULE_OUTCOMES: {
  [K in RuleConfig['then']['kind']]: (
    ctx: DecisionContext,
    rule: CompiledRule,
    then: Extract<RuleConfig['then'], { kind: K }>,
  ) => Omit<Draft, 'rule'>;
} = {
  route,
  refuse: (_ctx, rule, then) => ({
    outcome: 'REFUSED',
    team: null,
    rep: null,
    candidates: [],
    strategy: null,
    changes: NO_CHANGES,
    reasons: [{ code: orgReasonCode(then.reasonCode), detail: then.note ?? `rule ${rule.id} refuses` }],
  }),
  hold: (_ctx, rule, then) => ({
    outcome: 'HELD',
    team: null,
    rep: null,
    candidates: [],
    strategy: null,
    changes: NO_CHANGES,
    reasons: [{ code: orgReasonCode(then.reasonCode), detail: then.note ?? `rule ${rule.id} holds for review` }],
  }),
  nurture: (_ctx, rule, then) => ({
    outcome: 'NURTURE',
    team: null,
    rep: null,
    candidates: [],
    strategy: null,
    changes: NO_CHANGES,
    reasons: [{ code: 'NURTURE', detail: then.note ?? `rule ${rule.id} nurtures` }],
  }),
};

function summarise(lead: Lead, d: Draft): string {
  switch (d.outcome) {
    case 'ASSIGNED':
      return `Lead ${lead.id} assigned to ${d.rep!.id} (${d.team!.id})`;
    case 'QUEUED':
      return d.team
        ? `Lead ${lead.id} queued for ${d.team.id}: no rep available now`
        : `Lead ${lead.id} queued for ops: ${d.reasons[0]?.code}`;
    default:
      return `Lead ${lead.id} ${d.outcome.toLowerCase()}: ${d.reasons.map((r) => r.code).join(', ')}`;
  }
}

const NOBODY_AWAY: ReadonlyMap<string, RepAway> = new Map();

function buildContext(
  org: CompiledOrg,
  lead: Lead,
  at: number,
  state: RoutingStateView,
  excludeReps: readonly string[] = [],
  presence: PresenceSnapshot = NO_PRESENCE,
  exclusion?: RepExclusion,
): { ctx: DecisionContext; product: ProductConfig | undefined; customer: CustomerProfile } {
  const product = org.products.get(lead.product);
  const customer: CustomerProfile = assessCustomer(lead, org.suitability, at);
  const licensing = org.regulation.licensing(product?.productLines ?? [], lead.jurisdiction);
  const appropriatenessRequired =
    licensing.status === 'checked' &&
    product !== undefined &&
    product.complexity === 'complex' &&
    org.suitability.appropriateness.requiredForComplexProductsFor.includes(customer.effectiveType) &&
    !customer.appropriatenessValid;
  const pepEddRequired = lead.screening.status === 'pep' && org.suitability.pep.mode === 'edd_teams';
  const ctx: DecisionContext = {
    org,
    lead,
    customer,
    product: product ?? UNKNOWN_PRODUCT,
    at,
    state,
    respectWorkingHours: true,
    appropriatenessRequired,
    pepEddRequired,
    excludeReps,
    presence: presence === NO_PRESENCE ? NOBODY_AWAY : new Map(Object.entries(presence)),
    ...(exclusion ? { exclusion } : {}),
    licensing,
    lawfulKey: [
      lead.jurisdiction,
      product?.id ?? '',
      customer.effectiveType,
      appropriatenessRequired,
      pepEddRequired,
      licensing.status,
    ].join('\u0000'),
  };
  return { ctx, product, customer };
}

/** The first lead gate that blocks, else the first rule whose condition holds. Reads no routing state. */
function select(ctx: DecisionContext, product: ProductConfig | undefined): { blocked: Draft } | { rule: CompiledRule } | { noRule: true } {
  if (!product) {
    return {
      blocked: {
        outcome: 'REFUSED',
        team: null,
        rep: null,
        rule: null,
        candidates: [],
        strategy: null,
        changes: NO_CHANGES,
        reasons: [{ code: 'UNKNOWN_PRODUCT', detail: `product ${ctx.lead.product} is not defined` }],
      },
    };
  }
  for (const gate of LEAD_GATES) {
    if (!applies(gate, ctx)) continue;
    const b = gate.evaluate(ctx);
    if (b)
      return {
        blocked: {
          outcome: b.outcome,
          team: null,
          rep: null,
          rule: null,
          candidates: [],
          strategy: null,
          changes: NO_CHANGES,
          reasons: [b.reason],
        },
      };
  }
  const rule = ctx.org.rulesFor(ctx).find((r) => r.when.evaluate(ctx));
  return rule ? { rule } : { noRule: true };
}

/**
 * docs/routing.md: before compliance approves a named assignment, every eligibility check is re-run for
 * that team and rep at that moment — lead gates included — and the verdicts are shown. Whether an
 * override is allowed is the caller's policy; this only tells the truth.
 */
export function checkAssignment(
  org: CompiledOrg,
  lead: Lead,
  at: number,
  state: RoutingStateView,
  teamId: string,
  repId: string,
  presence: PresenceSnapshot = NO_PRESENCE,
): {
  readonly eligible: boolean;
  readonly gate: DecisionReason | null;
  readonly team: TeamVerdict | null;
  readonly rep: RepVerdict | null;
} {
  const team = org.teamsById.get(teamId);
  const { ctx, product } = buildContext(org, lead, at, state, [], presence);
  const s = select(ctx, product);
  const gate = 'blocked' in s ? (s.blocked.reasons[0] ?? null) : null;
  if (!team) return { eligible: false, gate, team: null, rep: null };
  const verdict = evaluateTeam(ctx, team).verdict;
  const rep = verdict.reps.find((r) => r.id === repId) ?? null;
  const teamLawful = verdict.reasons.every((r) => r.code === 'NO_ELIGIBLE_REP');
  return { eligible: gate === null && teamLawful && rep !== null && rep.eligible, gate, team: verdict, rep };
}

const NO_STATE: RoutingStateView = { poolSeq: () => 0, ledgerEntry: () => undefined, load: () => undefined };

/**
 * What a decision for this lead may read and change: the round-robin pools of the rule that will
 * fire and the reps of its candidate teams. Stores lock exactly these before calling decide(), so
 * concurrent instances never exceed a cap or skew a ledger. Rule selection reads no state, so
 * the scope computed here is the scope decide() will use.
 */
export function routingScope(
  org: CompiledOrg,
  lead: Lead,
  at: number,
): { readonly pools: readonly string[]; readonly repIds: readonly string[] } {
  const { ctx, product } = buildContext(org, lead, at, NO_STATE);
  const s = select(ctx, product);
  // A fallback owner may take the lead when nobody else can: lock them too.
  const fallbackReps = fallbackScope(ctx, 'rule' in s && s.rule.then.kind === 'route' ? s.rule.then.fallback : undefined);
  if ('noRule' in s) return { pools: [], repIds: fallbackReps };
  if (!('rule' in s) || s.rule.then.kind !== 'route') return { pools: [], repIds: [] };
  const teams = s.rule.then.teams === 'all' ? org.teams : s.rule.then.teams.map((id) => org.teamsById.get(id)!);
  const repIds = [...new Set([...teams.flatMap((t) => t.reps.map((r) => r.id)), ...fallbackReps])].sort();
  const pools = [...new Set(s.rule.chain.flatMap((step) => (step.pool ? [step.pool] : [])))].sort();
  return { pools, repIds };
}

/**
 * The routing decision: a pure function of (published org version, lead, routing state, time).
 * Same inputs give a byte-identical decision, which is what replay and audit rely on.
 */
export function decide(input: DecisionInput): DecisionResult {
  const { org, lead, at, state, decisionId } = input;
  const { ctx, product, customer } = buildContext(org, lead, at, state, input.excludeReps, input.presence, input.exclusion);
  const { appropriatenessRequired, pepEddRequired } = ctx;
  let draft: Draft;
  let respectWorkingHours = true;
  const s = select(ctx, product);
  if ('blocked' in s) draft = s.blocked;
  else if ('noRule' in s) {
    const reason = { code: 'NO_RULE_MATCHED' as const, detail: `none of ${org.rules.length} rules matched` };
    draft =
      ctx.licensing.status === 'checked'
        ? { outcome: 'REFUSED', team: null, rep: null, rule: null, candidates: [], strategy: null, changes: NO_CHANGES, reasons: [reason] }
        : { ...fallBack(ctx, org.config.fallback, reason), rule: null };
  } else {
    const fired = s.rule;
    const trace: TraceEntry[] = [];
    fired.when.trace(ctx, trace);
    const rule = { id: fired.id, index: fired.index, description: fired.description ?? null, rulesEvaluated: fired.index + 1, trace };
    if (fired.then.kind === 'route') respectWorkingHours = fired.then.respectWorkingHours;
    // Only routing reads the decision id and the conversion model (the outcome-aware step's seed and posteriors).
    const routeCtx: DecisionContext = {
      ...ctx,
      respectWorkingHours,
      decisionId,
      ...(input.outcomeModel ? { outcomes: input.outcomeModel } : {}),
    };
    const handler = RULE_OUTCOMES[fired.then.kind] as (c: DecisionContext, r: CompiledRule, t: RuleConfig['then']) => Omit<Draft, 'rule'>;
    draft = { ...handler(routeCtx, fired, fired.then), rule };
  }

  const decision: Decision = {
    decisionId,
    leadId: lead.id,
    outcome: draft.outcome,
    team: draft.team,
    rep: draft.rep,
    ruleSet: { version: org.version, hash: org.hash },
    rule: draft.rule,
    constraints: {
      jurisdiction: lead.jurisdiction,
      country: lead.jurisdiction.slice(0, 2),
      product: product
        ? {
            id: product.id,
            productLines: product.productLines,
            complexity: product.complexity,
            massMarket: product.massMarket,
            requiresAppointment: product.requiresAppointment,
            carrier: product.carrier ?? null,
          }
        : null,
      customerType: { declared: customer.declaredType, effective: customer.effectiveType, findings: customer.findings },
      statuses: customer.validStatuses,
      appropriateness: { required: appropriatenessRequired, valid: customer.appropriatenessValid },
      screening: {
        status: lead.screening.status,
        tags: lead.screening.tags,
        listVersions: lead.screening.listVersions,
        ...(lead.screening.policyHash ? { policyHash: lead.screening.policyHash } : {}),
        ...(lead.screening.hits ? { hits: lead.screening.hits } : {}),
      },
      enhancedDueDiligenceRequired: pepEddRequired,
      respectWorkingHours,
    },
    candidates: draft.candidates,
    strategy: draft.strategy,
    reasons: draft.reasons,
    summary: summarise(lead, draft),
    decidedAt: toIso(at),
    // Only when an operation excluded reps: decisions without one keep their exact document (replays stay byte-identical).
    ...(input.exclusion ? { exclusion: input.exclusion } : {}),
    // Only for orgs that declare regulation: an org without the section decides exactly as before, byte for byte.
    ...(org.regulation.declared ? { licensing: ctx.licensing } : {}),
  };
  return { decision, changes: draft.changes };
}
