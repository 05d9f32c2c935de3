import { applies, type CheckResult, type DecisionContext, type RepCheck } from '../eligibility/eligibility-check.ts';
import { AVAILABILITY_REP_CHECKS, LAWFUL_REP_CHECKS } from '../eligibility/rep-checks.ts';
import { TEAM_CHECKS } from '../eligibility/team-checks.ts';
import type { CompiledOrg, CompiledRep, CompiledTeam, LicenceSummary } from '../org/compiled-org.ts';
import { immutableData } from '../shared/canonical-json.ts';
import type { RepLoad } from '../strategies/routing-state.ts';
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
 *
 * The availability checks read, besides the rep's config, only its load, presence, the exclusions, respectWorkingHours
 * and the time through the local minute or out-of-office periods (RepCheck.readsLoad). So a team's availability
 * outcomes are kept too, per team (not per lawful key: they do not depend on it) and per minute, and re-evaluated
 * only for the reps whose load differs from the one they read (teamAvailability): per decision a rep costs one load
 * read, which is also what a recording view of the routing state sees. A team with a rep away or excluded goes the
 * fresh way, rep by rep (test/domain/availability-reuse.test.ts holds the two ways byte-equal).
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
  /** The verdict last built for an availability outcome with failures (a memo slot: the same outcome, the same verdict). */
  unavailable: { readonly outcome: AvailabilityOutcome; readonly verdict: RepVerdict } | null;
}

interface LawfulTeam {
  /** The decision times [from, to) over which no authority of the team starts or ends: all of this holds throughout. */
  readonly from: number;
  readonly to: number;
  readonly reasons: readonly DecisionReason[];
  readonly reliedOn: readonly string[];
  /**
   * The whole evaluation when a team check failed (its reps are then not evaluated; frozen, the same object for every
   * decision under this key); null when every team check passed.
   */
  readonly failed: TeamEvaluation | null;
  readonly reps: readonly LawfulRep[];
  /** The team's availability statics for this lead's applicability of checks (the same object for every lawful key). */
  readonly statics: TeamStatics;
  /** The team entity's firm licences in the lead's jurisdiction (part of the lawful key), and how many reps are lawful. */
  readonly licences: readonly LicenceSummary[];
  readonly lawfulReps: number;
  /** The verdicts last built from the team's availability outcomes (a memo slot: the same outcomes, the same result). */
  last: { readonly outcomes: readonly AvailabilityOutcome[]; readonly result: TeamEvaluation } | null;
}

export interface TeamEvaluation {
  readonly verdict: TeamVerdict;
  readonly eligible: readonly Candidate[];
  readonly lawfulReps: number;
}

/** What a rep's availability checks said beyond its lawful verdict: AVAILABLE, or the failures and extra authorities. */
type AvailabilityOutcome = typeof AVAILABLE | CheckFindings;
interface CheckFindings {
  readonly reasons: readonly DecisionReason[];
  readonly reliedOn: readonly string[];
}
const AVAILABLE = Object.freeze({ available: true as const });

/**
 * A team's availability outcomes, one per rep (team.reps order), and what they read that changes between decisions.
 * The outcomes array is replaced, never changed, when one rep's outcome is evaluated again: its identity says "same".
 */
interface TeamAvailability {
  /** The decision times [from, to) in one UTC minute in which no out-of-office period of the team starts or ends. */
  readonly from: number;
  readonly to: number;
  /** Where the stretch between two out-of-office boundaries of the team that holds [from, to) starts. */
  readonly absentFrom: number;
  /** What the outcomes were evaluated with: the team's statics (TeamStatics.loadIds names the loads, in order). */
  readonly statics: TeamStatics;
  readonly loads: readonly (RepLoad | undefined)[];
  readonly outcomes: readonly AvailabilityOutcome[];
  /** What each of the team's time groups said in this window (the local minute does not change within it). */
  readonly groupResults: readonly CheckResult[];
}

/**
 * A time-reading availability check and one rep of the team standing for every rep with the same RepCheck.groupKey:
 * asked once per new window, its result is each of those reps' result (the check's contract).
 */
interface TimeGroup {
  readonly check: RepCheck;
  readonly rep: CompiledRep;
  /** The check's name and RepCheck.groupKey: the same for every team whose reps share the zone and hours or calendar. */
  readonly key: string;
}

// The last result per group key and slot, shared by every team: a grouped check reads of the context only the time,
// through the local minute or date (RepCheck.readsLoad's contract), and respectWorkingHours (the slot), so within one
// UTC minute one team's answer is every team's (all teams of a region share a zone and hours on the bench).
const groupResultsByKey = [new Map<string, { readonly minute: number; readonly result: CheckResult }>(), new Map()];

// Per published version (a version is immutable); bounded by the reps it holds (~150 bytes each) so a long-lived
// process seeing many jurisdiction × product × customer-type keys stays flat.
const MAX_REPS = 200_000;
interface Memo {
  /** By lawful key (DecisionContext.lawfulKey), then team. */
  readonly keys: Map<string, Map<CompiledTeam, LawfulTeam>>;
  reps: number;
  /**
   * The last key looked up and its teams: a decision asks for every candidate team under one key string, and a look-up
   * in a map of thousands of keys (a cache miss on a key string built by an earlier decision) is paid once, not per team.
   */
  lastKey: string | undefined;
  lastTeams: Map<CompiledTeam, LawfulTeam> | undefined;
  /** Per team, its lawful rep verdicts by what the lawful rep checks read (lawfulRepsKey): shared between lawful keys. */
  readonly shared: Map<CompiledTeam, Map<string, SharedReps>>;
}

/** A team's lawful rep verdicts, valid over [from, to) (no authority of the team starts or ends in it). */
interface SharedReps {
  readonly from: number;
  readonly to: number;
  readonly reps: readonly LawfulRep[];
  readonly lawfulReps: number;
}
const memos = new WeakMap<CompiledOrg, Memo>();
// Shared by every key: a rep's (team, rep) candidate pair and availability checks, and the few distinct lists of these.
const statics = new WeakMap<CompiledTeam, (TeamStatics | undefined)[]>();
const checkLists = new Map<string, readonly RepCheck[]>();
const boundaries = new WeakMap<CompiledTeam, readonly number[]>();
const absences = new WeakMap<CompiledTeam, readonly number[]>();
// Per team, four slots: licensing checked or not (which checks apply) × respectWorkingHours.
const availabilities = new WeakMap<CompiledTeam, (TeamAvailability | undefined)[]>();
const members = new WeakMap<CompiledTeam, ReadonlySet<string>>();
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

function lawfulRep(ctx: DecisionContext, rep: CompiledRep, statics: RepStatics): LawfulRep {
  // Built once per (rep, lawful key) and reused, so no closures, spreads or empty arrays: a key seen for the
  // first time costs one of these per rep of every candidate team, and that is what a decision's tail latency is.
  let reasons: DecisionReason[] | null = null;
  let reliedOn: string[] | null = null;
  for (const check of LAWFUL_REP_CHECKS) {
    if (!applies(check, ctx)) continue;
    const r = check.evaluate(ctx, rep);
    if (!r.pass) (reasons ??= []).push({ code: r.code, detail: r.detail });
    else if (r.reliedOn && r.reliedOn.length > 0) (reliedOn ??= []).push(...r.reliedOn);
  }
  const lawful = reasons === null;
  const shared = {
    reasons: reasons === null ? NONE : Object.freeze(reasons),
    reliedOn: reliedOn === null ? NONE : Object.freeze(reliedOn),
    licences: reliedOn === null ? NONE : Object.freeze(licencesOf(rep, reliedOn)),
  };
  const whenAvailable: RepVerdict = immutableData({
    id: rep.id,
    name: rep.name,
    lawful,
    available: true,
    eligible: lawful,
    reasons: shared.reasons,
    reliedOn: shared.reliedOn,
    licences: shared.licences,
  });
  return {
    rep,
    candidate: statics.candidate,
    lawful,
    reasons: shared.reasons,
    reliedOn: shared.reliedOn,
    licences: shared.licences,
    whenAvailable,
    availability: statics.availability,
    unavailable: null,
  };
}

/** What a rep brings to every lawful key alike: its candidate pair and, per applicability, its availability checks. */
interface RepStatics {
  readonly candidate: Candidate;
  readonly availability: readonly RepCheck[];
  /** Those that read the rep's load (RepCheck.readsLoad), in order (one of a few shared lists). */
  readonly loadChecks: readonly RepCheck[];
  /** Whether one of them reads the decision time (one not declared RepCheck.timeIndependent). */
  readonly readsTime: boolean;
  /**
   * Those that read the time, as the team's groups (TimeGroup) they belong to; null when one has neither a
   * RepCheck.groupKey nor RepCheck.absenceBound.
   */
  readonly timeGroups: readonly number[] | null;
  /** Whether one of them reads the time only through out-of-office periods (RepCheck.absenceBound). */
  readonly readsAbsences: boolean;
}

interface TeamStatics {
  readonly reps: readonly RepStatics[];
  readonly groups: readonly TimeGroup[];
  /** The reps whose checks read their load (RepCheck.readsLoad): their index in team.reps, and their id. */
  readonly loadReps: readonly number[];
  readonly loadIds: readonly string[];
  /** The reps whose checks read the time (RepCheck.timeIndependent absent): their index in team.reps. */
  readonly timeReps: readonly number[];
}
const NO_STATICS: TeamStatics = Object.freeze({ reps: NONE, groups: NONE, loadReps: NONE, loadIds: NONE, timeReps: NONE });

/** Per rep of the team (team.reps order), its statics for this lead's applicability of checks; the team's time groups. */
function teamStatics(ctx: DecisionContext, team: CompiledTeam): TeamStatics {
  let both = statics.get(team);
  if (!both) statics.set(team, (both = []));
  const slot = ctx.licensing.status === 'checked' ? 1 : 0;
  let found = both[slot];
  if (!found) {
    const other = both[1 - slot];
    const groups: TimeGroup[] = [];
    const byKey = new Map<string, number>();
    const reps = team.reps.map((rep, i) => {
      const availability = availabilityChecks(ctx, rep);
      const candidate = other?.reps[i]!.candidate ?? Object.freeze({ team, rep });
      const loadChecks = sharedList(availability.filter((c) => c.readsLoad === true));
      const readers = availability.filter((c) => c.timeIndependent !== true);
      const grouped = readers.filter((c) => c.absenceBound !== true);
      const timeGroups = grouped.every((c) => c.groupKey !== undefined && c.readsLoad !== true)
        ? grouped.map((check) => {
            const key = `${check.name}\u0000${check.groupKey!(rep)}`;
            let g = byKey.get(key);
            if (g === undefined) byKey.set(key, (g = groups.push({ check, rep, key }) - 1));
            return g;
          })
        : null;
      const readsAbsences = grouped.length < readers.length;
      return { candidate, availability, loadChecks, readsTime: readers.length > 0, timeGroups, readsAbsences };
    });
    const indexes = (f: (r: RepStatics) => boolean) => reps.flatMap((r, i) => (f(r) ? [i] : []));
    const loadReps = indexes((r) => r.loadChecks.length > 0);
    const loadIds = loadReps.map((i) => team.reps[i]!.id);
    found = both[slot] = { reps, groups, loadReps, loadIds, timeReps: indexes((r) => r.readsTime) };
  }
  return found;
}

/** The availability checks that apply to the lead and can fail for the rep, as one of a few shared lists. */
function availabilityChecks(ctx: DecisionContext, rep: CompiledRep): readonly RepCheck[] {
  return sharedList(AVAILABILITY_REP_CHECKS.filter((c) => applies(c, ctx) && (c.canFail?.(rep) ?? true)));
}

function sharedList(list: readonly RepCheck[]): readonly RepCheck[] {
  const key = list.map((c) => c.name).join(',');
  let shared = checkLists.get(key);
  if (!shared) checkLists.set(key, (shared = Object.freeze(list)));
  return shared;
}

/**
 * What the lawful rep checks that apply read of the context (RepCheck.contextKey), with the licensing status (which
 * checks apply, which availability checks a rep gets): two lawful keys with the same one give every rep of a team the
 * same LawfulRep in the same window. null when an applicable check does not say what it reads.
 */
function lawfulRepsKey(ctx: DecisionContext): string | null {
  const parts: string[] = [ctx.licensing.status];
  for (const check of LAWFUL_REP_CHECKS) {
    if (!applies(check, ctx)) continue;
    if (check.contextKey === undefined) return null;
    parts.push(check.name, check.contextKey(ctx));
  }
  return JSON.stringify(parts);
}

function computeLawfulTeam(ctx: DecisionContext, team: CompiledTeam, window: { from: number; to: number }, memo?: Memo): LawfulTeam {
  const reasons: DecisionReason[] = [];
  const reliedOn: string[] = [];
  for (const check of TEAM_CHECKS) {
    if (!applies(check, ctx)) continue;
    const r = check.evaluate(ctx, team);
    if (!r.pass) reasons.push({ code: r.code, detail: r.detail });
    else if (r.reliedOn) reliedOn.push(...r.reliedOn);
  }
  Object.freeze(reliedOn);
  const licences = ctx.org.entityLicencesIn(team.entity, ctx.lead.jurisdiction);
  if (reasons.length > 0) {
    const failed = { id: team.id, name: team.name, entity: team.entity, pass: false, reasons, licences, reliedOn, reps: NONE };
    const rest = { reps: NONE, statics: NO_STATICS, licences, lawfulReps: 0, last: null };
    const evaluation = Object.freeze({ verdict: immutableData(failed), eligible: NONE, lawfulReps: 0 });
    return { ...window, reasons: Object.freeze(reasons), reliedOn, failed: evaluation, ...rest };
  }
  const statics = teamStatics(ctx, team);
  const { reps, lawfulReps } = lawfulRepsOf(ctx, team, window, statics.reps, memo);
  return { ...window, reasons: NONE, reliedOn, failed: null, reps, statics, licences, lawfulReps, last: null };
}

/**
 * The team's lawful rep verdicts over the window. A lawful key first seen mostly asks the team's reps what an earlier
 * key asked them (another product with the same lines, another customer type): their verdicts are then that key's,
 * not built again (46 reps per team). Without a memo (a stand-in product) they are built and not kept.
 */
function lawfulRepsOf(
  ctx: DecisionContext,
  team: CompiledTeam,
  window: { from: number; to: number },
  repStatics: readonly RepStatics[],
  memo: Memo | undefined,
): Pick<SharedReps, 'reps' | 'lawfulReps'> {
  const key = memo === undefined ? null : lawfulRepsKey(ctx);
  let byKey = key === null ? undefined : memo!.shared.get(team);
  const kept = key === null ? undefined : byKey?.get(key);
  if (kept !== undefined && kept.from === window.from && kept.to === window.to) return kept;
  const reps = team.reps.map((rep, i) => lawfulRep(ctx, rep, repStatics[i]!));
  const lawfulReps = reps.filter((lr) => lr.lawful).length;
  if (key !== null) {
    if (!byKey) memo!.shared.set(team, (byKey = new Map()));
    byKey.set(key, { ...window, reps, lawfulReps });
  }
  return { reps, lawfulReps };
}

function lawfulTeam(ctx: DecisionContext, team: CompiledTeam): LawfulTeam {
  const window = windowAt(boundariesOf(ctx.org, team), ctx.at);
  // Only the org's own product objects are keyed by id (an unknown product is a stand-in that may share an id).
  if (ctx.org.products.get(ctx.product.id) !== ctx.product) return computeLawfulTeam(ctx, team, window);
  let memo = memos.get(ctx.org);
  if (!memo) memos.set(ctx.org, (memo = { keys: new Map(), reps: 0, lastKey: undefined, lastTeams: undefined, shared: new Map() }));
  let teams = memo.lastKey === ctx.lawfulKey ? memo.lastTeams : memo.keys.get(ctx.lawfulKey);
  if (!teams) memo.keys.set(ctx.lawfulKey, (teams = new Map()));
  memo.lastKey = ctx.lawfulKey;
  memo.lastTeams = teams;
  const hit = teams.get(team);
  if (hit && hit.from <= ctx.at && ctx.at < hit.to) return hit;
  const fresh = computeLawfulTeam(ctx, team, window, memo);
  if (hit) memo.reps -= hit.reps.length;
  if (memo.reps + fresh.reps.length > MAX_REPS) {
    memo.keys.clear();
    memo.shared.clear();
    memo.keys.set(ctx.lawfulKey, teams);
    teams.clear();
    memo.reps = 0;
  }
  teams.set(team, fresh);
  memo.reps += fresh.reps.length;
  return fresh;
}

const EXCLUDED_FROM_REROUTE = { code: 'EXCLUDED_FROM_REROUTE', detail: 'missed the SLA on this lead; re-routed to someone else' } as const;

/**
 * One rep's verdict at this decision: its lawful verdict plus every availability check and exclusion (the fresh way,
 * for a team that presence or an exclusion touches: see evaluateTeam).
 */
function repVerdict(ctx: DecisionContext, lr: LawfulRep): RepVerdict {
  const outcome = availabilityOf(ctx, lr);
  const excluded = exclusionsOf(ctx, lr.rep.id);
  if (excluded === null) return Object.freeze(verdictFrom(lr, outcome));
  const { reasons, reliedOn } = outcome === AVAILABLE ? { reasons: NONE, reliedOn: NONE } : (outcome as CheckFindings);
  return Object.freeze(verdictFrom(lr, { reasons: [...reasons, ...excluded], reliedOn }));
}

/** Why this decision keeps the rep out besides its checks (an SLA re-route, a bulk reassignment); null when nothing. */
function exclusionsOf(ctx: DecisionContext, repId: string): DecisionReason[] | null {
  let out: DecisionReason[] | null = null;
  if (ctx.excludeReps.includes(repId)) (out ??= []).push({ ...EXCLUDED_FROM_REROUTE });
  if (ctx.exclusion?.repIds.includes(repId)) (out ??= []).push({ code: ctx.exclusion.code, detail: ctx.exclusion.detail });
  return out;
}

/** Every instant at which an out-of-office period of one of the team's reps starts or ends. */
function absencesOf(team: CompiledTeam): readonly number[] {
  let found = absences.get(team);
  if (!found) {
    const set = new Set<number>();
    for (const rep of team.reps) for (const p of rep.outOfOffice) set.add(p.fromMs).add(p.toMs);
    found = [...set].filter(Number.isFinite).sort((a, b) => a - b);
    absences.set(team, found);
  }
  return found;
}

const anyMember = (team: CompiledTeam, repIds: Iterable<string>): boolean => {
  let set = members.get(team);
  if (!set) members.set(team, (set = new Set(team.reps.map((r) => r.id))));
  for (const id of repIds) if (set.has(id)) return true;
  return false;
};

/** Whether presence or an exclusion names one of the team's reps: its verdicts are then computed afresh and not kept. */
const touchedByInputs = (ctx: DecisionContext, team: CompiledTeam): boolean =>
  (ctx.presence.size > 0 && anyMember(team, ctx.presence.keys())) ||
  (ctx.excludeReps.length > 0 && anyMember(team, ctx.excludeReps)) ||
  (ctx.exclusion !== undefined && ctx.exclusion.repIds.length > 0 && anyMember(team, ctx.exclusion.repIds));

const sameLoad = (a: RepLoad | undefined, b: RepLoad | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.open === b.open && a.day === b.day && a.today === b.today);

/** The rep's availability checks at this decision (presence and exclusions aside: see touchedByInputs). */
function availabilityOf(ctx: DecisionContext, lr: LawfulRep): AvailabilityOutcome {
  let reasons: DecisionReason[] | null = null;
  let reliedOn: string[] | null = null;
  for (const check of lr.availability) {
    const r = check.evaluate(ctx, lr.rep);
    if (r.pass) {
      if (r.reliedOn) (reliedOn ??= []).push(...r.reliedOn);
    } else (reasons ??= []).push({ code: r.code, detail: r.detail });
  }
  if (reasons === null && reliedOn === null) return AVAILABLE;
  return Object.freeze({ reasons: Object.freeze(reasons ?? []), reliedOn: Object.freeze(reliedOn ?? []) });
}

/**
 * The rep's verdict from its lawful verdict and what its availability checks (and exclusions) said. Not frozen here:
 * the caller freezes it, or declares it immutable data (verdictOf) — which an object frozen already cannot be.
 */
function verdictFrom(lr: LawfulRep, outcome: AvailabilityOutcome): RepVerdict {
  if (outcome === AVAILABLE) return lr.whenAvailable;
  const { reasons, reliedOn } = outcome as CheckFindings;
  const available = reasons.length === 0;
  const relied = reliedOn.length === 0 ? lr.reliedOn : [...lr.reliedOn, ...reliedOn];
  return {
    id: lr.rep.id,
    name: lr.rep.name,
    lawful: lr.lawful,
    available,
    eligible: lr.lawful && available,
    reasons: available ? lr.reasons : [...lr.reasons, ...reasons],
    reliedOn: relied,
    licences: reliedOn.length === 0 ? lr.licences : licencesOf(lr.rep, relied),
  };
}

/** verdictFrom for a kept availability outcome: the same outcome object gives the same verdict object. */
function verdictOf(lr: LawfulRep, outcome: AvailabilityOutcome): RepVerdict {
  if (outcome === AVAILABLE) return lr.whenAvailable;
  if (lr.unavailable?.outcome === outcome) return lr.unavailable.verdict;
  const verdict = immutableData(verdictFrom(lr, outcome));
  lr.unavailable = { outcome, verdict };
  return verdict;
}

/**
 * The team's availability outcomes at this decision, kept per slot (licensing checked or not × respectWorkingHours:
 * the slot fixes every rep's checks) and window (one UTC minute with no out-of-office boundary). A later decision starts
 * from the last outcomes (carryOver); only a slot's first window evaluates every rep.
 */
function teamAvailability(ctx: DecisionContext, team: CompiledTeam, lt: LawfulTeam): readonly AvailabilityOutcome[] {
  const minute = Math.floor(ctx.at / 60_000) * 60_000;
  const absent = windowAt(absencesOf(team), ctx.at);
  const from = Math.max(minute, absent.from);
  let slots = availabilities.get(team);
  if (!slots) availabilities.set(team, (slots = []));
  const slot = (ctx.licensing.status === 'checked' ? 2 : 0) + (ctx.respectWorkingHours ? 1 : 0);
  const last = slots[slot];
  const to = Math.min(minute + 60_000, absent.to);
  const window = last !== undefined && last.from === from ? null : { from, to, absentFrom: absent.from };
  const next = last !== undefined && last.statics === lt.statics ? carryOver(ctx, lt, last, window) : freshWindow(ctx, lt, window ?? last!);
  slots[slot] = next;
  return next.outcomes;
}

/** A window of a team's availability outcomes: TeamAvailability's from, to and absentFrom. */
type Window = Pick<TeamAvailability, 'from' | 'to' | 'absentFrom'>;

/** Every rep of the team evaluated, every load read, every time group asked: the slot's first window. */
function freshWindow(ctx: DecisionContext, lt: LawfulTeam, window: Window): TeamAvailability {
  const { statics } = lt;
  const loads: (RepLoad | undefined)[] = [];
  for (let k = 0; k < statics.loadIds.length; k++) loads.push(ctx.state.load(statics.loadIds[k]!));
  const outcomes: AvailabilityOutcome[] = [];
  for (let i = 0; i < lt.reps.length; i++) outcomes.push(availabilityOf(ctx, lt.reps[i]!));
  const { from, to, absentFrom } = window;
  return { from, to, absentFrom, statics, loads, outcomes: Object.freeze(outcomes), groupResults: groupResultsOf(ctx, statics) };
}

function groupResultsOf(ctx: DecisionContext, statics: TeamStatics): CheckResult[] {
  const minute = Math.floor(ctx.at / 60_000);
  const byKey = groupResultsByKey[ctx.respectWorkingHours ? 1 : 0]!;
  const results: CheckResult[] = [];
  for (let g = 0; g < statics.groups.length; g++) {
    const group = statics.groups[g]!;
    const known = byKey.get(group.key);
    if (known !== undefined && known.minute === minute) results.push(known.result);
    else {
      const result = group.check.evaluate(ctx, group.rep);
      if (byKey.size > 10_000) byKey.clear();
      byKey.set(group.key, { minute, result });
      results.push(result);
    }
  }
  return results;
}

/**
 * The team's outcomes from the last ones. Every load is read again (the reads a fresh evaluation makes: a recording view
 * sees the same set) and a rep whose load differs from the one its outcome read is evaluated again. In a new window
 * (`window` given) each time group is asked once, and a rep is evaluated again unless each of its time-reading checks
 * is vouched for: by its group saying what it said in the last window (RepCheck.groupKey), or, for a check that reads
 * the time only through out-of-office periods (RepCheck.absenceBound), by no out-of-office boundary of the team lying
 * between the two windows (same absentFrom). Every other rep keeps its outcome unevaluated: same config, load and slot,
 * no presence or exclusion (the team would have gone the fresh way). An outcome equal to the last one is that very
 * object, so its verdict is not built again, and when every outcome is, the team keeps its outcomes array — and with
 * it its verdict (evaluateTeam). A new window walks the statics' flat arrays like a decision within the window does,
 * not every rep's objects (46 per team on the bench) as it used to.
 */
function carryOver(ctx: DecisionContext, lt: LawfulTeam, last: TeamAvailability, window: Window | null): TeamAvailability {
  const { statics } = lt;
  let outcomes: AvailabilityOutcome[] | null = null;
  const again = (i: number, loadOnly: boolean): void => {
    // Only its load moved, and it was available: its other checks still pass (same window, or vouched for), so unless a
    // load-reading check now fails (or names an authority) it still is — the rep just assigned, mostly.
    if (loadOnly && last.outcomes[i] === AVAILABLE && passes(ctx, lt.reps[i]!.rep, statics.reps[i]!.loadChecks)) return;
    const outcome = availabilityOf(ctx, lt.reps[i]!);
    if (!sameOutcome(outcome, last.outcomes[i]!)) (outcomes ??= [...last.outcomes])[i] = outcome;
  };
  let groupResults = last.groupResults;
  let asked: number[] | null = null;
  if (window !== null) {
    groupResults = groupResultsOf(ctx, statics);
    const held = heldGroups(groupResults, last.groupResults);
    const sameAbsences = window.absentFrom === last.absentFrom;
    for (let t = 0; t < statics.timeReps.length; t++) {
      const i = statics.timeReps[t]!;
      const rs = statics.reps[i]!;
      if (allHeld(rs.timeGroups, held) && (sameAbsences || !rs.readsAbsences)) continue;
      (asked ??= []).push(i);
      again(i, false);
    }
  }
  let loads: (RepLoad | undefined)[] | null = null;
  for (let k = 0; k < statics.loadIds.length; k++) {
    const load = ctx.state.load(statics.loadIds[k]!);
    if (sameLoad(load, last.loads[k])) continue;
    (loads ??= [...last.loads])[k] = load;
    const i = statics.loadReps[k]!;
    if (asked === null || !asked.includes(i)) again(i, true);
  }
  if (window === null && loads === null) return last;
  const kept = outcomes === null ? last.outcomes : Object.freeze(outcomes as AvailabilityOutcome[]);
  const { from, to, absentFrom } = window ?? last;
  return { from, to, absentFrom, statics, loads: loads ?? last.loads, outcomes: kept, groupResults };
}

/** Whether every one of the checks passes the rep without naming an authority (what AVAILABLE needs of them). */
function passes(ctx: DecisionContext, rep: CompiledRep, checks: readonly RepCheck[]): boolean {
  for (let c = 0; c < checks.length; c++) {
    const r = checks[c]!.evaluate(ctx, rep);
    if (!r.pass || r.reliedOn) return false;
  }
  return true;
}

/** Per time group, whether it says now what it said in the last window. */
function heldGroups(now: readonly CheckResult[], before: readonly CheckResult[]): readonly boolean[] {
  const held: boolean[] = [];
  for (let g = 0; g < now.length; g++) held.push(sameResult(now[g]!, before[g]!));
  return held;
}

const allHeld = (groups: readonly number[] | null, held: readonly boolean[]): boolean => {
  if (groups === null) return false;
  for (let i = 0; i < groups.length; i++) if (!held[groups[i]!]) return false;
  return true;
};

/** Whether two check results say the same (pass with the same authorities, or the same failure). */
function sameResult(a: CheckResult, b: CheckResult): boolean {
  if (a === b) return true;
  if (a.pass && b.pass) return sameStrings(a.reliedOn ?? NONE, b.reliedOn ?? NONE);
  return !a.pass && !b.pass && a.code === b.code && a.detail === b.detail;
}

const sameStrings = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Whether two availability outcomes say the same (the same reasons, codes and details, and the same authorities). */
function sameOutcome(a: AvailabilityOutcome, b: AvailabilityOutcome): boolean {
  if (a === b) return true;
  if (a === AVAILABLE || b === AVAILABLE) return false;
  const [x, y] = [a as CheckFindings, b as CheckFindings];
  if (x.reasons.length !== y.reasons.length || !sameStrings(x.reliedOn, y.reliedOn)) return false;
  for (let i = 0; i < x.reasons.length; i++)
    if (x.reasons[i]!.code !== y.reasons[i]!.code || x.reasons[i]!.detail !== y.reasons[i]!.detail) return false;
  return true;
}

function evaluation(team: CompiledTeam, lt: LawfulTeam, verdicts: readonly RepVerdict[]): TeamEvaluation {
  const eligible: Candidate[] = [];
  for (let i = 0; i < verdicts.length; i++) if (verdicts[i]!.eligible) eligible.push(lt.reps[i]!.candidate);
  const { lawfulReps } = lt;
  const reasons: DecisionReason[] =
    eligible.length === 0 ? [{ code: 'NO_ELIGIBLE_REP', detail: `${lawfulReps} of ${team.reps.length} reps lawful, none available` }] : [];
  const verdict: TeamVerdict = {
    id: team.id,
    name: team.name,
    entity: team.entity,
    pass: reasons.length === 0,
    reasons: Object.freeze(reasons),
    licences: lt.licences,
    reliedOn: lt.reliedOn,
    reps: Object.freeze(verdicts),
  };
  // Frozen: a later decision may be given this very object (evaluateTeam).
  return { verdict: Object.freeze(verdict), eligible: Object.freeze(eligible), lawfulReps };
}

/**
 * The team's verdict: its lawful part from the memo, then the availability checks. These read, besides the rep's
 * config, only its load, presence, the exclusions, respectWorkingHours and the time (RepCheck.readsLoad), so a team's
 * availability outcomes are kept per minute and re-evaluated only for reps whose load changed (teamAvailability), and
 * a lawful team whose outcomes did not change gives the very same frozen verdict as last time. The loads are read as a
 * fresh evaluation reads them (a recording view sees the same reads): decisions stay byte-identical. A team with a rep
 * away or excluded is evaluated afresh, rep by rep.
 */
export function evaluateTeam(ctx: DecisionContext, team: CompiledTeam): TeamEvaluation {
  const lt = lawfulTeam(ctx, team);
  if (lt.failed) return lt.failed;
  if (touchedByInputs(ctx, team))
    return evaluation(
      team,
      lt,
      lt.reps.map((lr) => repVerdict(ctx, lr)),
    );
  const outcomes = teamAvailability(ctx, team, lt);
  if (lt.last?.outcomes === outcomes) return lt.last.result;
  const verdicts: RepVerdict[] = [];
  for (let i = 0; i < outcomes.length; i++) verdicts.push(verdictOf(lt.reps[i]!, outcomes[i]!));
  const result = evaluation(team, lt, verdicts);
  lt.last = { outcomes, result };
  return result;
}
