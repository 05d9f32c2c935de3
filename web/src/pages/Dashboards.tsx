import { useMemo, useState } from 'react';
import { get, hasOperation, qs } from '../api.ts';
import { Chart, PALETTE } from '../components/Chart.tsx';
import { ErrorBox, Loading, Page, useAsync } from '../components/common.tsx';

interface Fairness {
  note: string;
  pools: {
    pool: string;
    seq: number;
    assigned: number;
    maxAbsDeviation: number;
    reps: { repId: string; name: string | null; weight: number | null; assigned: number; target: number; deviation: number }[];
  }[];
  reps: {
    repId: string;
    name: string | null;
    teamId: string | null;
    weight: number | null;
    assigned: number;
    target: number;
    deviation: number;
    open: number;
    today: number;
  }[];
}
interface Refusals {
  bucket: string;
  totals: { REFUSED: number; HELD: number };
  buckets: string[];
  series: { bucket: string; outcome: string; reasonCode: string; count: number }[];
  byReason: { outcome: string; reasonCode: string; count: number; lastAt: string }[];
}

export function Dashboards() {
  return (
    <Page title="Dashboards">
      <SpeedToLead />
      <FairnessPanel />
      <RefusalsPanel />
    </Page>
  );
}

function Missing({ what }: { what: string }) {
  return (
    <p className="notice" data-testid="missing">
      Not available: {what}
    </p>
  );
}

interface Stats {
  count: number;
  p50: number | null;
  p90: number | null;
  max: number | null;
}
interface Group {
  leads: number;
  captureToAssignment: Stats;
  assignmentToFirstContact: Stats;
  slaBreaches: { accept: number; firstContact: number; total: number };
}
interface SpeedReport {
  leads: { leadId: string; captureToAssignmentMs: number | null; assignmentToFirstContactMs: number | null }[];
  overall: Group;
  byRep: (Group & { repId: string })[];
  byTeam: (Group & { teamId: string })[];
  truncated: boolean;
}

const BANDS: readonly [string, number][] = [
  ['< 1 s', 1_000],
  ['1–10 s', 10_000],
  ['10 s–1 min', 60_000],
  ['1–5 min', 300_000],
  ['5–15 min', 900_000],
  ['15–60 min', 3_600_000],
  ['1–4 h', 14_400_000],
  ['4–24 h', 86_400_000],
  ['> 24 h', Number.POSITIVE_INFINITY],
];
const band = (values: readonly (number | null)[]) =>
  BANDS.map(([, hi], i) => values.filter((v) => v !== null && v >= (i === 0 ? 0 : BANDS[i - 1]![1]) && v < hi).length);
const fmtMs = (ms: number | null) =>
  ms === null
    ? '—'
    : ms < 1000
      ? `${ms} ms`
      : ms < 120_000
        ? `${(ms / 1000).toFixed(1)} s`
        : ms < 7_200_000
          ? `${(ms / 60_000).toFixed(1)} min`
          : `${(ms / 3_600_000).toFixed(1)} h`;

/** The per-team figures behind the charts, as a table. */
function TeamSpeedTable({ teams }: { teams: SpeedReport['byTeam'] }) {
  return (
    <details>
      <summary>Data table (per team)</summary>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Leads</th>
            <th scope="col">Capture→assignment p50 / p90</th>
            <th scope="col">Assignment→contact p50 / p90</th>
            <th scope="col">SLA breaches</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((t) => (
            <tr key={t.teamId}>
              <td>{t.teamId}</td>
              <td>{t.leads}</td>
              <td>
                {fmtMs(t.captureToAssignment.p50)} / {fmtMs(t.captureToAssignment.p90)}
              </td>
              <td>
                {fmtMs(t.assignmentToFirstContact.p50)} / {fmtMs(t.assignmentToFirstContact.p90)}
              </td>
              <td>{t.slaBreaches.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function SpeedToLead() {
  const { data, error, loading } = useAsync(async () => {
    if (!(await hasOperation('get', '/v1/metrics/speed-to-lead'))) return { available: false as const };
    return { available: true as const, body: await get<SpeedReport>('/v1/metrics/speed-to-lead') };
  }, []);
  const dist = useMemo(() => {
    if (!data?.available) return null;
    const leads = data.body.leads;
    return {
      color: PALETTE,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 50, bottom: 60 },
      xAxis: { type: 'category', data: BANDS.map(([l]) => l), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', name: 'leads', minInterval: 1 },
      series: [
        { type: 'bar', name: 'Capture → assignment', data: band(leads.map((l) => l.captureToAssignmentMs)) },
        { type: 'bar', name: 'Assignment → first contact', data: band(leads.map((l) => l.assignmentToFirstContactMs)) },
      ],
    };
  }, [data]);
  const breaches = useMemo(() => {
    if (!data?.available) return null;
    const teams = data.body.byTeam;
    return {
      color: ['#D55E00', '#E69F00'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 50, bottom: 90 },
      xAxis: { type: 'category', data: teams.map((t) => t.teamId), axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: 'value', name: 'breaches', minInterval: 1 },
      series: [
        { type: 'bar', stack: 'b', name: 'Accept SLA missed', data: teams.map((t) => t.slaBreaches.accept) },
        { type: 'bar', stack: 'b', name: 'First-contact SLA missed', data: teams.map((t) => t.slaBreaches.firstContact) },
      ],
    };
  }, [data]);
  return (
    <section aria-labelledby="stl-h" className="card">
      <h2 id="stl-h">Speed to lead and SLA breaches</h2>
      {loading && <Loading what="speed-to-lead metrics" />}
      <ErrorBox error={error} />
      {data && !data.available && (
        <Missing what="this server does not provide GET /v1/metrics/speed-to-lead (speed-to-lead distribution and SLA breaches)." />
      )}
      {data?.available && dist && breaches && (
        <>
          <p>
            {data.body.overall.leads} leads{data.body.truncated ? ' (truncated to the first ones)' : ''}. Capture → assignment: p50{' '}
            {fmtMs(data.body.overall.captureToAssignment.p50)}, p90 {fmtMs(data.body.overall.captureToAssignment.p90)}. Assignment → first
            contact: p50 {fmtMs(data.body.overall.assignmentToFirstContact.p50)}, p90{' '}
            {fmtMs(data.body.overall.assignmentToFirstContact.p90)}. SLA breaches: <strong>{data.body.overall.slaBreaches.total}</strong> (
            {data.body.overall.slaBreaches.accept} accept, {data.body.overall.slaBreaches.firstContact} first contact).
          </p>
          <div className="grid2">
            <div>
              <h3>Distribution</h3>
              <Chart
                label="Speed-to-lead distribution: number of leads per time band, capture to assignment and assignment to first contact"
                option={dist}
              />
            </div>
            <div>
              <h3>SLA breaches by team</h3>
              {data.body.byTeam.some((t) => t.slaBreaches.total > 0) ? (
                <Chart label="SLA breaches per team, accept and first contact" option={breaches} />
              ) : (
                <p className="muted">No SLA breaches recorded.</p>
              )}
            </div>
          </div>
          <TeamSpeedTable teams={data.body.byTeam} />
        </>
      )}
    </section>
  );
}

function FairnessPanel() {
  const { data, error, loading } = useAsync(() => get<Fairness>('/v1/metrics/fairness'), []);
  const [pool, setPool] = useState('');
  const rows = pool ? (data?.pools.find((p) => p.pool === pool)?.reps ?? []) : (data?.reps ?? []);
  const option = useMemo(
    () => ({
      color: PALETTE,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 50, bottom: 110 },
      xAxis: { type: 'category', data: rows.map((r) => r.name ?? r.repId), axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: 'value', name: 'leads' },
      series: [
        { type: 'bar', name: 'Assigned', barMaxWidth: 40, data: rows.map((r) => r.assigned) },
        { type: 'bar', name: 'Weighted target', barMaxWidth: 40, data: rows.map((r) => r.target) },
      ],
    }),
    [rows],
  );
  return (
    <section aria-labelledby="fair-h" className="card">
      <h2 id="fair-h">Assignments per rep vs weighted target (fairness ledger)</h2>
      {loading && <Loading what="the fairness ledger" />}
      <ErrorBox error={error} />
      {data && (
        <>
          <p className="hint">{data.note}</p>
          <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Fairness options">
            <label>
              Round-robin pool{' '}
              <select value={pool} onChange={(e) => setPool(e.target.value)}>
                <option value="">All pools (per rep totals)</option>
                {data.pools.map((p) => (
                  <option key={p.pool} value={p.pool}>
                    {p.pool} ({p.assigned} assigned, max deviation {p.maxAbsDeviation})
                  </option>
                ))}
              </select>
            </label>
          </form>
          {rows.length === 0 ? (
            <p className="muted">No round-robin assignments recorded yet.</p>
          ) : (
            <Chart label="Leads assigned per rep against their weighted target" option={option} />
          )}
          <details>
            <summary>Data table</summary>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Rep</th>
                  <th scope="col">Weight</th>
                  <th scope="col">Assigned</th>
                  <th scope="col">Weighted target</th>
                  <th scope="col">Deviation</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.repId}>
                    <td>{r.name ?? r.repId}</td>
                    <td>{r.weight ?? '—'}</td>
                    <td>{r.assigned}</td>
                    <td>{r.target}</td>
                    <td>{r.deviation > 0 ? `+${r.deviation}` : r.deviation}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

function RefusalsPanel() {
  const [bucket, setBucket] = useState<'hour' | 'day' | 'week'>('day');
  const { data, error, loading } = useAsync(() => get<Refusals>(`/v1/metrics/refusals${qs({ bucket })}`), [bucket]);
  const option = useMemo(() => {
    if (!data) return null;
    const keys = [...new Set(data.series.map((s) => `${s.outcome} · ${s.reasonCode}`))].sort();
    return {
      color: PALETTE,
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 50, right: 20, bottom: 80 },
      xAxis: { type: 'category', data: data.buckets.map((b) => (bucket === 'hour' ? b.slice(0, 16).replace('T', ' ') : b.slice(0, 10))) },
      yAxis: { type: 'value', name: 'decisions', minInterval: 1 },
      series: keys.map((k) => ({
        type: 'bar',
        stack: 'reasons',
        barMaxWidth: 80,
        name: k,
        data: data.buckets.map((b) =>
          data.series.filter((s) => s.bucket === b && `${s.outcome} · ${s.reasonCode}` === k).reduce((n, s) => n + s.count, 0),
        ),
      })),
    };
  }, [data, bucket]);
  return (
    <section aria-labelledby="ref-h" className="card">
      <h2 id="ref-h">Refusals and holds by reason over time</h2>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Refusal chart options">
        <label>
          Bucket{' '}
          <select value={bucket} onChange={(e) => setBucket(e.target.value as 'hour' | 'day' | 'week')}>
            <option value="hour">Hour</option>
            <option value="day">Day</option>
            <option value="week">Week</option>
          </select>
        </label>
      </form>
      {loading && <Loading what="refusals" />}
      <ErrorBox error={error} />
      {data && (
        <>
          <p>
            <strong>{data.totals.REFUSED}</strong> refused, <strong>{data.totals.HELD}</strong> held (UTC {bucket} buckets).
          </p>
          {option && data.series.length > 0 ? (
            <Chart label="Refused and held decisions per period, stacked by reason code" option={option} />
          ) : (
            <p className="muted">No refusals or holds recorded.</p>
          )}
          <table className="data">
            <caption>By reason</caption>
            <thead>
              <tr>
                <th scope="col">Outcome</th>
                <th scope="col">Reason code</th>
                <th scope="col">Decisions</th>
                <th scope="col">Last</th>
              </tr>
            </thead>
            <tbody>
              {data.byReason.map((r) => (
                <tr key={`${r.outcome}/${r.reasonCode}`}>
                  <td>{r.outcome}</td>
                  <td>
                    <code>{r.reasonCode}</code>
                  </td>
                  <td>{r.count}</td>
                  <td>{r.lastAt.replace('T', ' ').slice(0, 19)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
