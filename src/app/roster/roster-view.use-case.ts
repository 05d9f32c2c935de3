import { awayAt } from '../../domain/eligibility/rep-presence.ts';
import type { CompiledOrg, CompiledRep } from '../../domain/org/compiled-org.ts';
import type { RepConfig } from '../../domain/org/org-config.schema.ts';
import { DEFAULT_MIN_LEADS, rosterAlerts, type OverloadPolicy, type RosterAlert } from '../../domain/roster/roster-overload.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso, zonedParts } from '../../domain/shared/zoned-time.ts';
import type { RoutingStateSnapshot } from '../../domain/strategies/routing-state.ts';
import type { RepPresenceRecord } from '../../store/ports/rep-presence.port.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * The Roster page's read side (docs/operations.md "The Roster page"): every team with its reps, each with
 * status, presence, today's load against their caps, pools and upcoming out-of-office; and the overload
 * alerts the org's `roster.overload` policy raises. Reads only.
 */

type Deps = Pick<ServiceContext, 'store' | 'clock' | 'orgs'>;

/** How many queued leads the queue-age alert looks at (oldest first). */
const QUEUE_SCAN = 500;

export interface RosterRep {
  readonly id: string;
  readonly name: string;
  readonly team: string;
  readonly status: CompiledRep['status'];
  readonly timeZone: string;
  readonly presence: {
    readonly status: 'available' | 'away';
    readonly until: string | null;
    readonly reason: string | null;
    readonly setBy: string | null;
  };
  readonly load: { readonly open: number; readonly today: number; readonly day: string };
  readonly capacity: { readonly maxOpenLeads: number | null; readonly maxLeadsPerDay: number | null };
  readonly weight: number;
  readonly pools: readonly string[];
  /** Out-of-office periods not yet over (as configured: dates or instants), soonest first. */
  readonly outOfOffice: readonly RepConfig['outOfOffice'][number][];
}

export interface RosterView {
  readonly version: string;
  readonly hash: string;
  readonly at: string;
  readonly teams: readonly { readonly id: string; readonly name: string; readonly reps: readonly RosterRep[] }[];
  readonly alerts: readonly RosterAlert[];
}

const todayOf = (state: RoutingStateSnapshot, rep: CompiledRep, now: number) => {
  const day = zonedParts(rep.timeZone, now).date;
  const load = state.loads[rep.id];
  return { open: load?.open ?? 0, today: load && load.day === day ? load.today : 0, day };
};

function poolsOf(org: CompiledOrg): ReadonlyMap<string, string[]> {
  const byRep = new Map<string, string[]>();
  for (const pool of org.pools.values()) for (const m of pool.members ?? []) byRep.set(m.rep, [...(byRep.get(m.rep) ?? []), pool.id]);
  return byRep;
}

function rosterRep(
  org: CompiledOrg,
  rep: CompiledRep,
  inputs: { state: RoutingStateSnapshot; away: RepPresenceRecord | undefined; pools: readonly string[]; now: number },
): RosterRep {
  const config = org.config.reps.find((r) => r.id === rep.id);
  const { away, now } = inputs;
  const isAway = away !== undefined && away.status === 'away' && awayAt({ since: away.since, until: away.until, reason: away.reason }, now);
  const upcoming = rep.outOfOffice.map((p, i) => ({ p, cfg: config?.outOfOffice[i] })).filter(({ p }) => p.toMs > now);
  return {
    id: rep.id,
    name: rep.name,
    team: rep.teamId,
    status: rep.status,
    timeZone: rep.timeZone,
    presence: isAway
      ? { status: 'away', until: away.until, reason: away.reason, setBy: away.setBy }
      : { status: 'available', until: null, reason: null, setBy: null },
    load: todayOf(inputs.state, rep, now),
    capacity: { maxOpenLeads: rep.capacity.maxOpenLeads ?? null, maxLeadsPerDay: rep.capacity.maxLeadsPerDay ?? null },
    weight: rep.weight,
    pools: inputs.pools,
    outOfOffice: upcoming.sort((a, b) => a.p.fromMs - b.p.fromMs).flatMap(({ cfg }) => (cfg ? [cfg] : [])),
  };
}

export function overloadPolicyOf(org: CompiledOrg): OverloadPolicy | undefined {
  const o = org.config.roster?.overload;
  return o ? { ...o, minLeads: o.minLeads ?? DEFAULT_MIN_LEADS } : undefined;
}

async function alertsFor(deps: Deps, org: CompiledOrg, reps: readonly RosterRep[], now: number): Promise<readonly RosterAlert[]> {
  const policy = overloadPolicyOf(org);
  if (!policy) return [];
  const queued = policy.queueAgeMinutes === undefined ? [] : await deps.store.leads.page({ status: 'QUEUED', limit: QUEUE_SCAN });
  return rosterAlerts(policy, {
    loads: reps.map((r) => ({ repId: r.id, teamId: r.team, today: r.load.today })),
    queued: queued.map((l) => ({ leadId: l.id, teamId: l.teamId, sinceMs: Date.parse(l.receivedAt) })),
    nowMs: now,
  });
}

/** Every rep of the version in force as the roster shows them now (config order). */
async function rosterReps(deps: Deps): Promise<{ org: CompiledOrg; now: number; reps: RosterRep[] }> {
  const org = deps.orgs.current;
  const now = deps.clock.now();
  const [state, awayRecords] = await Promise.all([deps.store.routingState.snapshot(), deps.store.repPresence.listAway()]);
  const away = new Map(awayRecords.map((r) => [r.repId, r]));
  const pools = poolsOf(org);
  const reps = [...org.repsById.values()].map((rep) =>
    rosterRep(org, rep, { state, away: away.get(rep.id), pools: pools.get(rep.id) ?? [], now }),
  );
  return { org, now, reps };
}

/** GET /v1/roster: teams in config order, each with its reps (config order), and the alerts. */
export async function rosterView(deps: Deps): Promise<RosterView> {
  const { org, now, reps } = await rosterReps(deps);
  const teams = org.teams.map((t) => ({ id: t.id, name: t.name, reps: reps.filter((r) => r.team === t.id) }));
  return { version: org.version, hash: org.hash, at: toIso(now), teams, alerts: await alertsFor(deps, org, reps, now) };
}

/** GET /v1/roster/alerts: the alerts alone (what the nav's count polls), with the policy that raised them. */
export async function rosterAlertsView(deps: Deps) {
  const view = await rosterView(deps);
  return { at: view.at, policy: overloadPolicyOf(deps.orgs.current) ?? null, alerts: view.alerts };
}

/** One roster change as the drawer lists it (an `org_change` audit entry `roster.changed` about the rep). */
export interface RepChange {
  readonly at: string;
  /** `roster.changed` (a new org version) or `rep.presence` (away / back). */
  readonly action: string | null;
  readonly actor: string;
  readonly reason: string | null;
  readonly before: string | null;
  readonly after: string | null;
  readonly diff: unknown;
}

/** GET /v1/roster/reps/:repId: the rep's roster row and the recent roster changes about them (sealed audit entries, newest first). */
export async function rosterRepDetail(
  deps: Deps,
  repId: string,
): Promise<Result<RosterRep & { readonly changes: readonly RepChange[] }, AppFailure>> {
  const rep = (await rosterReps(deps)).reps.find((r) => r.id === repId);
  if (!rep) return failure('NOT_FOUND', `no rep ${repId} in the current org`);
  const rows = await deps.store.audit.rowsForSubject(`rep:${repId}`);
  const changes = rows
    .filter((r) => r.kind === 'org_change')
    .map((r) => {
      const p = (r.payload ?? {}) as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === 'string' ? v : null);
      return {
        at: r.at,
        action: str(p.action),
        actor: r.actor,
        reason: str(p.reason),
        before: str(p.before),
        after: str(p.after),
        diff: p.diff ?? null,
      };
    })
    .reverse()
    .slice(0, 20);
  return ok({ ...rep, changes });
}
