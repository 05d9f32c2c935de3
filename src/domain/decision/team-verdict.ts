import { applies, type DecisionContext, type RepCheck } from '../eligibility/eligibility-check.ts';
import { AVAILABILITY_REP_CHECKS, LAWFUL_REP_CHECKS } from '../eligibility/rep-checks.ts';
import { TEAM_CHECKS } from '../eligibility/team-checks.ts';
import type { CompiledOrg, CompiledRep, CompiledTeam, LicenceSummary } from '../org/compiled-org.ts';
import type { Candidate } from '../strategies/strategy.ts';
import type { DecisionReason, RepVerdict, TeamVerdict } from './decision.ts';

/**
 * A team's verdict for a decision: every team check, then for a team that passes every rep check on every rep.
 *
 * The team checks and the lawful rep checks read only what eligibility-check.ts calls the lawful key (the lead's
 * jurisdiction, its product, the effective customer type, the appropriateness / EDD / licensing flags) and the
 * decision time only through the validity of grants and appointments. So their verdicts are computed once per
 * (team, lawful key) and reused while no authority of the team starts or ends; only the availability checks
 * (status, hours, presence, capacity …) run per decision. A rep whose availability checks all pass gets the very
 * same verdict object every time: the decision is byte-identical, and built without allocating per rep.
 */

/** What the lawful checks said about one rep, and its whole verdict for when it is also available. */
interface LawfulRep {
  readonly rep: CompiledRep;
  readonly candidate: Candidate;
  readonly lawful: boolean;
  readonly reasons: readonly DecisionReason[];
  readonly reliedOn: readonly string[];
  readonly licences: readonly LicenceSummary[];
  readonly whenAvailable: RepVerdict;
  /** The availability checks that apply to this lead and can fail for this rep (RepCheck.canFail), in order. */
  readonly availability: readonly RepCheck[];
}

interface LawfulTeam {
  /** The decision times [from, to) over which no authority of the team starts or ends: all of this holds throughout. */
  readonly from: number;
  readonly to: number;
  readonly reasons: readonly DecisionReason[];
  readonly reliedOn: readonly string[];
  /** The whole verdict when a team check failed (its reps are then not evaluated); null when every team check passed. */
  readonly failed: TeamVerdict | null;
  readonly reps: readonly LawfulRep[];
}

// Per published version (a version is immutable); bounded by the reps it holds (~150 bytes each) so a long-lived
// process seeing many jurisdiction × product × customer-type keys stays flat.
const MAX_REPS = 200_000;
interface Memo {
  readonly teams: Map<string, LawfulTeam>;
  reps: number;
}
const memos = new WeakMap<CompiledOrg, Memo>();
// Shared by every key: a rep's (team, rep) candidate pair, and the few distinct lists of availability checks.
const candidates = new WeakMap<CompiledRep, Candidate>();
const checkLists = new Map<string, readonly RepCheck[]>();
const boundaries = new WeakMap<CompiledTeam, readonly number[]>();
const NONE: readonly never[] = Object.freeze([]);

const licencesOf = (rep: CompiledRep, reliedOn: readonly string[]): readonly LicenceSummary[] =>
  reliedOn.length === 0 ? NONE : [...rep.grants, ...rep.appointments].filter((a) => reliedOn.includes(a.id)).map((a) => a.summary);

/** Every instant at which an authority the team's checks read (its entity's grants, its reps' grants and appointments) starts or ends. */
function boundariesOf(org: CompiledOrg, team: CompiledTeam): readonly number[] {
  let found = boundaries.get(team);
  if (!found) {
    const set = new Set<number>();
    const add = (a: { readonly validFromMs: number; readonly validToMs: number }) => set.add(a.validFromMs).add(a.validToMs);
    for (const g of org.entityGrants.get(team.entity) ?? []) add(g);
    for (const rep of team.reps) for (const a of [...rep.grants, ...rep.appointments]) add(a);
    found = [...set].filter(Number.isFinite).sort((a, b) => a - b);
    boundaries.set(team, found);
  }
  return found;
}

/** [from, to): the stretch of time around `at` in which no boundary falls. */
function windowAt(bounds: readonly number[], at: number): { from: number; to: number } {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return { from: lo > 0 ? bounds[lo - 1]! : -Infinity, to: lo < bounds.length ? bounds[lo]! : Infinity };
}

function lawfulRep(ctx: DecisionContext, team: CompiledTeam, rep: CompiledRep): LawfulRep {
  const reasons: DecisionReason[] = [];
  const reliedOn: string[] = [];
  for (const check of LAWFUL_REP_CHECKS) {
    if (!applies(check, ctx)) continue;
    const r = check.evaluate(ctx, rep);
    if (r.pass) {
      if (r.reliedOn) reliedOn.push(...r.reliedOn);
    } else reasons.push({ code: r.code, detail: r.detail });
  }
  const lawful = reasons.length === 0;
  const frozen = <T>(xs: T[]): readonly T[] => (xs.length === 0 ? NONE : Object.freeze(xs));
  const shared = { reasons: frozen(reasons), reliedOn: frozen(reliedOn), licences: licencesOf(rep, reliedOn) };
  Object.freeze(shared.licences);
  const whenAvailable: RepVerdict = Object.freeze({ id: rep.id, name: rep.name, lawful, available: true, eligible: lawful, ...shared });
  let candidate = candidates.get(rep);
  if (!candidate) candidates.set(rep, (candidate = Object.freeze({ team, rep })));
  return { rep, candidate, lawful, ...shared, whenAvailable, availability: availabilityChecks(ctx, rep) };
}

/** The availability checks that apply to the lead and can fail for the rep, as one of a few shared lists. */
function availabilityChecks(ctx: DecisionContext, rep: CompiledRep): readonly RepCheck[] {
  const list = AVAILABILITY_REP_CHECKS.filter((c) => applies(c, ctx) && (c.canFail?.(rep) ?? true));
  const key = list.map((c) => c.name).join(',');
  let shared = checkLists.get(key);
  if (!shared) checkLists.set(key, (shared = Object.freeze(list)));
  return shared;
}

function computeLawfulTeam(ctx: DecisionContext, team: CompiledTeam, window: { from: number; to: number }): LawfulTeam {
  const reasons: DecisionReason[] = [];
  const reliedOn: string[] = [];
  for (const check of TEAM_CHECKS) {
    if (!applies(check, ctx)) continue;
    const r = check.evaluate(ctx, team);
    if (!r.pass) reasons.push({ code: r.code, detail: r.detail });
    else if (r.reliedOn) reliedOn.push(...r.reliedOn);
  }
  Object.freeze(reliedOn);
  if (reasons.length > 0) {
    const licences = ctx.org.entityLicencesIn(team.entity, ctx.lead.jurisdiction);
    const failed = { id: team.id, name: team.name, entity: team.entity, pass: false, reasons, licences, reliedOn, reps: NONE };
    return { ...window, reasons: Object.freeze(reasons), reliedOn, failed: Object.freeze(failed), reps: NONE };
  }
  return { ...window, reasons: NONE, reliedOn, failed: null, reps: team.reps.map((rep) => lawfulRep(ctx, team, rep)) };
}

function lawfulTeam(ctx: DecisionContext, team: CompiledTeam): LawfulTeam {
  const window = windowAt(boundariesOf(ctx.org, team), ctx.at);
  // Only the org's own product objects are keyed by id (an unknown product is a stand-in that may share an id).
  if (ctx.org.products.get(ctx.product.id) !== ctx.product) return computeLawfulTeam(ctx, team, window);
  let memo = memos.get(ctx.org);
  if (!memo) memos.set(ctx.org, (memo = { teams: new Map(), reps: 0 }));
  const flags = `${ctx.appropriatenessRequired ? 1 : 0}${ctx.pepEddRequired ? 1 : 0}${ctx.licensing.status}`;
  const key = `${team.id}\u0000${ctx.lead.jurisdiction}\u0000${ctx.product.id}\u0000${ctx.customer.effectiveType}\u0000${flags}`;
  const hit = memo.teams.get(key);
  if (hit && hit.from <= ctx.at && ctx.at < hit.to) return hit;
  const fresh = computeLawfulTeam(ctx, team, window);
  if (hit) memo.reps -= hit.reps.length;
  if (memo.reps + fresh.reps.length > MAX_REPS) {
    memo.teams.clear();
    memo.reps = 0;
  }
  memo.teams.set(key, fresh);
  memo.reps += fresh.reps.length;
  return fresh;
}

const EXCLUDED_FROM_REROUTE = { code: 'EXCLUDED_FROM_REROUTE', detail: 'missed the SLA on this lead; re-routed to someone else' } as const;

/** One rep's verdict at this decision: its lawful verdict plus every availability check and exclusion. */
function repVerdict(ctx: DecisionContext, lr: LawfulRep): RepVerdict {
  const rep = lr.rep;
  let reasons: DecisionReason[] | null = null;
  let reliedOn: string[] | null = null;
  for (const check of lr.availability) {
    const r = check.evaluate(ctx, rep);
    if (r.pass) {
      if (r.reliedOn) (reliedOn ??= [...lr.reliedOn]).push(...r.reliedOn);
    } else (reasons ??= [...lr.reasons]).push({ code: r.code, detail: r.detail });
  }
  if (ctx.excludeReps.includes(rep.id)) (reasons ??= [...lr.reasons]).push({ ...EXCLUDED_FROM_REROUTE });
  if (ctx.exclusion?.repIds.includes(rep.id))
    (reasons ??= [...lr.reasons]).push({ code: ctx.exclusion.code, detail: ctx.exclusion.detail });
  if (reasons === null && reliedOn === null) return lr.whenAvailable;
  const available = reasons === null;
  return {
    id: rep.id,
    name: rep.name,
    lawful: lr.lawful,
    available,
    eligible: lr.lawful && available,
    reasons: reasons ?? lr.reasons,
    reliedOn: reliedOn ?? lr.reliedOn,
    licences: reliedOn ? licencesOf(rep, reliedOn) : lr.licences,
  };
}

export function evaluateTeam(
  ctx: DecisionContext,
  team: CompiledTeam,
): { verdict: TeamVerdict; eligible: Candidate[]; lawfulReps: number } {
  const lt = lawfulTeam(ctx, team);
  if (lt.failed) return { verdict: lt.failed, eligible: [], lawfulReps: 0 };
  const reps: RepVerdict[] = [];
  const eligible: Candidate[] = [];
  let lawfulReps = 0;
  for (const lr of lt.reps) {
    const v = repVerdict(ctx, lr);
    reps.push(v);
    if (lr.lawful) lawfulReps++;
    if (v.eligible) eligible.push(lr.candidate);
  }
  const reasons: DecisionReason[] =
    eligible.length === 0 ? [{ code: 'NO_ELIGIBLE_REP', detail: `${lawfulReps} of ${team.reps.length} reps lawful, none available` }] : [];
  const licences = ctx.org.entityLicencesIn(team.entity, ctx.lead.jurisdiction);
  return {
    verdict: {
      id: team.id,
      name: team.name,
      entity: team.entity,
      pass: reasons.length === 0,
      reasons,
      licences,
      reliedOn: lt.reliedOn,
      reps,
    },
    eligible,
    lawfulReps,
  };
}
