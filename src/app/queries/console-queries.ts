import type { Decision } from '../../domain/decision/decision.ts';
import type {
  AppointmentAuthority,
  CompiledOrg,
  CompiledRep,
  CompiledTeam,
  GrantAuthority,
  LicenceSummary,
} from '../../domain/org/compiled-org.ts';
import { jurisdictionCovers } from '../../domain/shared/jurisdiction.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { RoutingStateSnapshot } from '../../domain/strategies/routing-state.ts';
import type { DecisionRecord } from '../../store/ports/decisions.port.ts';

/**
 * Read models for the web console (docs/console.md): the licence matrix, the fairness ledger
 * and refusals/holds by reason over time. Pure functions over the compiled org, the routing-state
 * snapshot and recorded decisions; the HTTP module only fetches and passes them in.
 */

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Licence matrix: teams × jurisdictions × product lines.

/** A grant's state at a moment: `expiring` = valid now but ends within the horizon. */
export type GrantState = 'valid' | 'expiring' | 'expired' | 'not_yet_valid' | 'inactive';

export interface GrantView extends LicenceSummary {
  readonly holder: { readonly kind: 'firm'; readonly entity: string } | { readonly kind: 'individual'; readonly rep: string };
  readonly state: GrantState;
  /** Whole days until validTo (negative once expired); null when open-ended. */
  readonly daysLeft: number | null;
}

/**
 * covered: a valid firm grant and at least one licensed (non-inactive) rep in the team.
 * expiring: covered, but only by grants that end within the horizon (the firm's, or every licensed rep's).
 * no_licensed_rep: the firm holds a valid grant but no rep of the team does.
 * expired: no coverage now, and a grant that would have covered it has expired.
 * none: no firm grant covers it at all. not_in_mandate: outside the team's mandate (shown, never routed).
 */
export type CellStatus = 'covered' | 'expiring' | 'no_licensed_rep' | 'expired' | 'none';

export interface MatrixCell {
  readonly jurisdiction: string;
  readonly status: CellStatus;
  readonly inMandate: boolean;
  /** Firm grants of the team's entity covering the cell, by state. */
  readonly firmGrants: readonly { readonly id: string; readonly state: GrantState }[];
  /** Reps (not inactive) with a valid individual grant for the cell; `expiring` = only by grants ending within the horizon. */
  readonly licensedReps: readonly { readonly repId: string; readonly expiring: boolean }[];
  /** Reps whose only covering grants have expired. */
  readonly expiredReps: readonly string[];
}

export interface LicenceMatrix {
  readonly at: string;
  readonly horizonDays: number;
  readonly orgHash: string;
  readonly jurisdictions: readonly string[];
  readonly productLines: readonly string[];
  readonly teams: readonly {
    readonly id: string;
    readonly name: string;
    readonly entity: string;
    readonly reps: readonly { readonly id: string; readonly name: string; readonly status: string }[];
    readonly rows: readonly { readonly productLine: string; readonly inMandate: boolean; readonly cells: readonly MatrixCell[] }[];
  }[];
  readonly expiringSoon: readonly GrantView[];
  readonly expired: readonly GrantView[];
  readonly counts: Readonly<Record<CellStatus, number>>;
}

export function grantState(
  a: { readonly status: string; readonly validFromMs: number; readonly validToMs: number },
  at: number,
  horizonMs: number,
): GrantState {
  if (a.status !== 'active') return 'inactive';
  if (a.validFromMs > at) return 'not_yet_valid';
  if (a.validToMs <= at) return 'expired';
  return a.validToMs - at <= horizonMs ? 'expiring' : 'valid';
}

const isCurrent = (s: GrantState) => s === 'valid' || s === 'expiring';

function grantView(g: GrantAuthority | AppointmentAuthority, holder: GrantView['holder'], at: number, horizonMs: number): GrantView {
  return {
    ...g.summary,
    holder,
    state: grantState(g, at, horizonMs),
    daysLeft: Number.isFinite(g.validToMs) ? Math.floor((g.validToMs - at) / DAY_MS) : null,
  };
}

const covers = (g: GrantAuthority, jurisdiction: string, line: string) =>
  jurisdictionCovers(g.jurisdiction, jurisdiction) && g.productLines.includes(line);

function cellFor(
  org: CompiledOrg,
  team: CompiledTeam,
  jurisdiction: string,
  line: string,
  at: number,
  horizonMs: number,
  inMandate: boolean,
): MatrixCell {
  const firm = (org.entityGrants.get(team.entity) ?? [])
    .filter((g) => covers(g, jurisdiction, line))
    .map((g) => ({ id: g.id, state: grantState(g, at, horizonMs) }));
  const licensedReps: { repId: string; expiring: boolean }[] = [];
  const expiredReps: string[] = [];
  for (const rep of team.reps) {
    // A rep who has left covers nothing, like an inactive one (they stay in the org only so old decisions resolve).
    if (rep.status === 'inactive' || rep.status === 'left') continue;
    const states = rep.grants.filter((g) => covers(g, jurisdiction, line)).map((g) => grantState(g, at, horizonMs));
    if (states.some(isCurrent)) licensedReps.push({ repId: rep.id, expiring: !states.includes('valid') });
    else if (states.includes('expired')) expiredReps.push(rep.id);
  }
  const firmCurrent = firm.filter((f) => isCurrent(f.state));
  let status: CellStatus;
  if (firmCurrent.length > 0 && licensedReps.length > 0) {
    const firmExpiring = firmCurrent.every((f) => f.state === 'expiring');
    const repsExpiring = licensedReps.every((r) => r.expiring);
    status = firmExpiring || repsExpiring ? 'expiring' : 'covered';
  } else if (firmCurrent.length > 0) {
    status = expiredReps.length > 0 ? 'expired' : 'no_licensed_rep';
  } else {
    status = firm.some((f) => f.state === 'expired') ? 'expired' : 'none';
  }
  return { jurisdiction, status, inMandate, firmGrants: firm, licensedReps, expiredReps };
}

/**
 * The matrix over every jurisdiction in a team mandate (columns) and, per team, the product lines
 * of its mandate (rows). Customer types are not a dimension: each grant lists its own.
 */
export function licenceMatrix(org: CompiledOrg, at: number, horizonDays: number): LicenceMatrix {
  const horizonMs = horizonDays * DAY_MS;
  const jurisdictions = [...new Set(org.teams.flatMap((t) => t.mandate.jurisdictions))].sort();
  const productLines = [...new Set(org.teams.flatMap((t) => t.mandate.productLines))].sort();
  const counts: Record<CellStatus, number> = { covered: 0, expiring: 0, no_licensed_rep: 0, expired: 0, none: 0 };
  const teams = org.teams.map((team) => ({
    id: team.id,
    name: team.name,
    entity: team.entity,
    reps: team.reps.map((r) => ({ id: r.id, name: r.name, status: r.status })),
    rows: team.mandate.productLines.map((line) => ({
      productLine: line,
      inMandate: true,
      cells: jurisdictions.map((j) => {
        const inMandate = team.mandate.jurisdictions.some((m) => jurisdictionCovers(m, j));
        const cell = cellFor(org, team, j, line, at, horizonMs, inMandate);
        if (inMandate) counts[cell.status]++;
        return cell;
      }),
    })),
  }));
  const all = allGrants(org, at, horizonMs);
  return {
    at: toIso(at),
    horizonDays,
    orgHash: org.hash,
    jurisdictions,
    productLines,
    teams,
    expiringSoon: all.filter((g) => g.state === 'expiring').sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0)),
    expired: all.filter((g) => g.state === 'expired').sort((a, b) => (b.daysLeft ?? 0) - (a.daysLeft ?? 0)),
    counts,
  };
}

function allGrants(org: CompiledOrg, at: number, horizonMs: number): GrantView[] {
  const out: GrantView[] = [];
  for (const [entity, grants] of org.entityGrants) for (const g of grants) out.push(grantView(g, { kind: 'firm', entity }, at, horizonMs));
  for (const rep of org.repsById.values())
    for (const g of rep.grants) out.push(grantView(g, { kind: 'individual', rep: rep.id }, at, horizonMs));
  return out;
}

/** One rep's individual grants and carrier appointments, and the firm grants their team works under. */
export function repLicences(org: CompiledOrg, repId: string, at: number, horizonDays: number) {
  const rep: CompiledRep | undefined = org.repsById.get(repId);
  if (!rep) return undefined;
  const horizonMs = horizonDays * DAY_MS;
  const team = org.teamsById.get(rep.teamId);
  return {
    at: toIso(at),
    horizonDays,
    rep: {
      id: rep.id,
      name: rep.name,
      teamId: rep.teamId,
      teamName: team?.name ?? null,
      status: rep.status,
      weight: rep.weight,
      experience: rep.experience,
      capabilities: rep.capabilities,
    },
    grants: rep.grants.map((g) => grantView(g, { kind: 'individual', rep: rep.id }, at, horizonMs)),
    appointments: rep.appointments.map((a) => ({
      ...grantView(a, { kind: 'individual', rep: rep.id }, at, horizonMs),
      carrier: a.carrier,
    })),
    firmGrants: team
      ? (org.entityGrants.get(team.entity) ?? []).map((g) => grantView(g, { kind: 'firm', entity: team.entity }, at, horizonMs))
      : [],
  };
}

// ---------------------------------------------------------------------------------------------
// Fairness ledger (docs/console.md, docs/routing.md): per round-robin pool, leads assigned vs the weighted entitlement.

export interface FairnessRow {
  readonly repId: string;
  readonly name: string | null;
  readonly teamId: string | null;
  /** Weight in the current org version (null: the rep is no longer in it). */
  readonly weight: number | null;
  readonly assigned: number;
  /** Σ weight / Σ weights of the eligible set over every lead the rep was eligible for. */
  readonly target: number;
  /** assigned − target: positive = more than their weighted share. */
  readonly deviation: number;
}

const round = (x: number, places = 3) => Math.round(x * 10 ** places) / 10 ** places;

export function fairnessLedger(org: CompiledOrg, snapshot: RoutingStateSnapshot) {
  const describe = (repId: string) => {
    const rep = org.repsById.get(repId);
    return { name: rep?.name ?? null, teamId: rep?.teamId ?? null, weight: rep?.weight ?? null };
  };
  const pools = Object.entries(snapshot.pools)
    .map(([pool, p]) => {
      const reps: FairnessRow[] = Object.entries(p.reps)
        .map(([repId, e]) => ({
          repId,
          ...describe(repId),
          assigned: e.assigned,
          target: round(e.entitled),
          deviation: round(e.assigned - e.entitled),
        }))
        .sort((a, b) => a.repId.localeCompare(b.repId));
      const maxAbsDeviation = reps.reduce((m, r) => Math.max(m, Math.abs(r.deviation)), 0);
      return { pool, seq: p.seq, assigned: reps.reduce((s, r) => s + r.assigned, 0), maxAbsDeviation: round(maxAbsDeviation), reps };
    })
    .sort((a, b) => a.pool.localeCompare(b.pool));
  const byRep = new Map<string, { assigned: number; target: number }>();
  for (const pool of pools) {
    for (const r of pool.reps) {
      const acc = byRep.get(r.repId) ?? { assigned: 0, target: 0 };
      byRep.set(r.repId, { assigned: acc.assigned + r.assigned, target: acc.target + r.target });
    }
  }
  const reps = [...byRep.entries()]
    .map(([repId, t]) => {
      const load = snapshot.loads[repId];
      return {
        repId,
        ...describe(repId),
        assigned: t.assigned,
        target: round(t.target),
        deviation: round(t.assigned - t.target),
        open: load?.open ?? 0,
        today: load?.today ?? 0,
        day: load?.day ?? null,
      };
    })
    .sort((a, b) => a.repId.localeCompare(b.repId));
  return {
    orgHash: org.hash,
    note:
      'Round-robin ledgers only: leads placed by another strategy step (account owner, score tier …) or by a compliance approval ' +
      'are not in a pool ledger; `open`/`today` count every assignment.',
    pools,
    reps,
  };
}

// ---------------------------------------------------------------------------------------------
// Refusals and holds by reason over time (docs/routing.md, docs/screening.md, docs/console.md).

export type Bucket = 'hour' | 'day' | 'week';

export function bucketStart(iso: string, bucket: Bucket): string {
  const d = new Date(iso);
  if (bucket === 'hour') d.setUTCMinutes(0, 0, 0);
  else {
    d.setUTCHours(0, 0, 0, 0);
    if (bucket === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); // ISO weeks start on Monday
  }
  return d.toISOString();
}

/**
 * Counts REFUSED and HELD decisions per bucket (UTC) and per reason code. A decision with several
 * reasons counts once under each distinct code; `decisions` counts each decision once.
 */
export function refusalsByReason(
  records: readonly DecisionRecord[],
  opts: { from?: string | undefined; to?: string | undefined; bucket: Bucket },
) {
  const series = new Map<string, { bucket: string; outcome: string; reasonCode: string; count: number }>();
  const byReason = new Map<string, { outcome: string; reasonCode: string; count: number; lastAt: string }>();
  const totals: Record<string, number> = { REFUSED: 0, HELD: 0 };
  const buckets = new Set<string>();
  for (const r of records) {
    if (r.outcome !== 'REFUSED' && r.outcome !== 'HELD') continue;
    if ((opts.from && r.decidedAt < opts.from) || (opts.to && r.decidedAt >= opts.to)) continue;
    totals[r.outcome] = (totals[r.outcome] ?? 0) + 1;
    const bucket = bucketStart(r.decidedAt, opts.bucket);
    buckets.add(bucket);
    const doc = JSON.parse(r.documentJson) as Pick<Decision, 'reasons'>;
    const codes = [...new Set((doc.reasons ?? []).map((x) => String(x.code)))];
    for (const code of codes.length > 0 ? codes : ['UNSPECIFIED']) {
      const sk = `${bucket}|${r.outcome}|${code}`;
      const s = series.get(sk) ?? { bucket, outcome: r.outcome, reasonCode: code, count: 0 };
      series.set(sk, { ...s, count: s.count + 1 });
      const rk = `${r.outcome}|${code}`;
      const b = byReason.get(rk) ?? { outcome: r.outcome, reasonCode: code, count: 0, lastAt: r.decidedAt };
      byReason.set(rk, { ...b, count: b.count + 1, lastAt: r.decidedAt > b.lastAt ? r.decidedAt : b.lastAt });
    }
  }
  return {
    bucket: opts.bucket,
    from: opts.from ?? null,
    to: opts.to ?? null,
    totals: { REFUSED: totals.REFUSED ?? 0, HELD: totals.HELD ?? 0 },
    buckets: [...buckets].sort(),
    series: [...series.values()].sort(
      (a, b) => a.bucket.localeCompare(b.bucket) || a.outcome.localeCompare(b.outcome) || a.reasonCode.localeCompare(b.reasonCode),
    ),
    byReason: [...byReason.values()].sort((a, b) => b.count - a.count || a.reasonCode.localeCompare(b.reasonCode)),
  };
}

/** `?format=csv`: one row per pool and rep (docs/outcomes.md "CSV export"). */
export function fairnessCsv(ledger: ReturnType<typeof fairnessLedger>) {
  const header = ['pool', 'rep_id', 'name', 'team_id', 'weight', 'assigned', 'target', 'deviation'];
  const rows = ledger.pools.flatMap((p) =>
    p.reps.map((r) => [p.pool, r.repId, r.name, r.teamId, r.weight, r.assigned, r.target, r.deviation]),
  );
  return { header, rows };
}
