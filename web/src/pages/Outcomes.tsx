import { useMemo } from 'react';
import { get, qs } from '../api.ts';
import { Chart, PALETTE } from '../components/Chart.tsx';
import { Badge, ErrorBox, Loading, Page, useAsync } from '../components/common.tsx';

/** The groupings GET /v1/metrics/outcomes offers (docs/outcomes.md), in the order the page shows them. */
const GROUPINGS = ['rep', 'team', 'rule', 'source', 'segment', 'strategy', 'period'] as const;
type Grouping = (typeof GROUPINGS)[number];

interface Stats {
  count: number;
  p50: number | null;
  p90: number | null;
}
interface Row {
  key: string;
  leads: number;
  outcomes: number;
  won: number;
  conversion: { rate: number | null; low: number; high: number };
  smallSample: boolean;
  timeToFirstContact: Stats;
  timeToClose: Stats;
  wonValue: Record<string, number>;
  openValue: Record<string, number>;
}
interface Report {
  groupBy: Grouping;
  groups: Row[];
  overall: Row;
  truncated: boolean;
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const days = (ms: number | null) => (ms === null ? '—' : `${(ms / 86_400_000).toFixed(1)} d`);
const money = (sums: Record<string, number>) =>
  Object.entries(sums)
    .map(([c, v]) => `${c} ${v.toLocaleString('en-GB')}`.trim())
    .join(', ') || '—';

/** Conversion (SPEC O3) per grouping: a bar chart of the rates and a table with the Wilson intervals and warnings. */
export function Outcomes() {
  return (
    <Page title="Outcomes">
      <p className="muted">
        Conversion = won ÷ leads with an outcome, with its Wilson 95 % interval. Fewer than 30 outcomes in a group: the interval is too wide
        to rank by (marked “small sample”).
      </p>
      {GROUPINGS.map((g) => (
        <OutcomeTable key={g} groupBy={g} />
      ))}
    </Page>
  );
}

function OutcomeTable({ groupBy }: { groupBy: Grouping }) {
  const url = `/v1/metrics/outcomes${qs({ groupBy })}`;
  const { data, error, loading } = useAsync(() => get<Report>(url), [url]);
  const option = useMemo(() => {
    if (!data) return null;
    const rows = data.groups.filter((g) => g.conversion.rate !== null);
    return {
      color: PALETTE,
      tooltip: { trigger: 'axis' },
      grid: { left: 50, right: 20, top: 30, bottom: 70 },
      xAxis: { type: 'category', data: rows.map((g) => g.key), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', name: 'conversion', min: 0, max: 1 },
      series: [{ type: 'bar', name: 'Conversion', data: rows.map((g) => g.conversion.rate) }],
    };
  }, [data]);
  return (
    <section aria-labelledby={`out-${groupBy}`} className="card" data-testid={`outcomes-${groupBy}`}>
      <h2 id={`out-${groupBy}`}>By {groupBy}</h2>
      {loading && <Loading what={`outcomes by ${groupBy}`} />}
      <ErrorBox error={error} />
      {data && option && (
        <>
          {data.groups.some((g) => g.conversion.rate !== null) ? (
            <Chart label={`Conversion rate by ${groupBy}`} option={option} height={240} />
          ) : (
            <p className="muted">No outcomes recorded yet.</p>
          )}
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{groupBy}</th>
                <th scope="col">Leads</th>
                <th scope="col">Outcomes</th>
                <th scope="col">Won</th>
                <th scope="col">Conversion (95 % interval)</th>
                <th scope="col">First contact p50 / p90</th>
                <th scope="col">Close p50 / p90</th>
                <th scope="col">Won value</th>
                <th scope="col">Open value</th>
              </tr>
            </thead>
            <tbody>
              {[...data.groups, data.overall].map((g) => (
                <tr key={g.key} data-group={g.key}>
                  <th scope="row">{g.key}</th>
                  <td>{g.leads}</td>
                  <td>{g.outcomes}</td>
                  <td>{g.won}</td>
                  <td>
                    {pct(g.conversion.rate)} ({pct(g.conversion.low)}–{pct(g.conversion.high)}){' '}
                    {g.smallSample && <Badge tone="warn">small sample (n &lt; 30)</Badge>}
                  </td>
                  <td>
                    {days(g.timeToFirstContact.p50)} / {days(g.timeToFirstContact.p90)}
                  </td>
                  <td>
                    {days(g.timeToClose.p50)} / {days(g.timeToClose.p90)}
                  </td>
                  <td>{money(g.wonValue)}</td>
                  <td>{money(g.openValue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={`/v1/metrics/outcomes${qs({ groupBy, format: 'csv' })}`} download>
              Download CSV (by {groupBy})
            </a>
            {data.truncated && ' — truncated to the first leads'}
          </p>
        </>
      )}
    </section>
  );
}
