import { useState } from 'react';
import { get, qs } from '../api.ts';
import { Badge, ErrorBox, Loading, Page, useAsync } from '../components/common.tsx';
import { Link } from '../router.tsx';

type CellStatus = 'covered' | 'expiring' | 'no_licensed_rep' | 'expired' | 'none';
interface Cell {
  jurisdiction: string;
  status: CellStatus;
  inMandate: boolean;
  firmGrants: { id: string; state: string }[];
  licensedReps: { repId: string; expiring: boolean }[];
  expiredReps: string[];
}
interface GrantView {
  id: string;
  holder: { kind: 'firm'; entity: string } | { kind: 'individual'; rep: string };
  regulator: string;
  jurisdiction: string;
  activity: string;
  productLines: string[];
  customerTypes: string[];
  validFrom: string;
  validTo: string | null;
  status: string;
  state: string;
  daysLeft: number | null;
  sourceRef: string | null;
  carrier?: string;
}
interface Matrix {
  at: string;
  horizonDays: number;
  jurisdictions: string[];
  productLines: string[];
  teams: {
    id: string;
    name: string;
    entity: string;
    reps: { id: string; name: string; status: string }[];
    rows: { productLine: string; cells: Cell[] }[];
  }[];
  expiringSoon: GrantView[];
  expired: GrantView[];
  counts: Record<CellStatus, number>;
}

const LABEL: Record<CellStatus, { text: string; tone: 'good' | 'warn' | 'bad' | 'info' | 'muted'; long: string }> = {
  covered: { text: 'OK', tone: 'good', long: 'covered: firm grant and at least one licensed rep' },
  expiring: { text: 'Expiring', tone: 'warn', long: 'covered, but only by grants ending within the horizon' },
  no_licensed_rep: { text: 'No rep', tone: 'info', long: 'firm grant, but no rep of the team holds an individual grant' },
  expired: { text: 'Expired', tone: 'bad', long: 'not covered now: a grant that covered it has expired' },
  none: { text: 'None', tone: 'muted', long: 'no firm grant covers it' },
};

/** Teams × product lines down, jurisdictions across; a team cell lists its reps. Filtered by line and country. */
function MatrixTable({ data, jurisdictions, line, country }: { data: Matrix; jurisdictions: string[]; line: string; country: string }) {
  return (
    <div className="scroll" tabIndex={0} role="region" aria-label="Licence matrix table (scrolls horizontally)">
      <table className="data matrix">
        <caption>
          Evaluated at {data.at}, horizon {data.horizonDays} days
        </caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Product line</th>
            {jurisdictions.map((j) => (
              <th scope="col" key={j}>
                {j}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.teams.flatMap((t) =>
            t.rows
              .filter((r) => !line || r.productLine === line)
              .map((r, i) => (
                <tr key={`${t.id}/${r.productLine}`}>
                  {i === 0 || line ? (
                    <th scope="row" rowSpan={line ? 1 : t.rows.length}>
                      {t.name}
                      <div className="muted small">
                        {t.id} · {t.entity}
                      </div>
                      <details className="small">
                        <summary>Reps ({t.reps.length})</summary>
                        <ul>
                          {t.reps.map((rep) => (
                            <li key={rep.id}>
                              <Link to={`/licences/reps/${encodeURIComponent(rep.id)}`}>{rep.name}</Link>
                              {rep.status !== 'active' ? ` (${rep.status})` : ''}
                            </li>
                          ))}
                        </ul>
                      </details>
                    </th>
                  ) : null}
                  <td>{r.productLine}</td>
                  {r.cells
                    .filter((c) => !country || c.jurisdiction.slice(0, 2) === country)
                    .map((c) => (
                      <td
                        key={c.jurisdiction}
                        className={c.inMandate ? `cell cell-${c.status}` : 'cell cell-out'}
                        title={cellTitle(t.name, r.productLine, c)}
                        data-cell={`${t.id}|${r.productLine}|${c.jurisdiction}`}
                      >
                        {c.inMandate ? (
                          <>
                            <span className={`badge badge-${LABEL[c.status].tone}`}>{LABEL[c.status].text}</span>
                            {c.licensedReps.length > 0 && <span className="small"> {c.licensedReps.length}</span>}
                            <span className="sr-only">{cellTitle(t.name, r.productLine, c)}</span>
                          </>
                        ) : (
                          <span className="muted" aria-label="outside mandate">
                            ·
                          </span>
                        )}
                      </td>
                    ))}
                </tr>
              )),
          )}
        </tbody>
      </table>
    </div>
  );
}

export function Licences() {
  const [horizon, setHorizon] = useState(90);
  const [line, setLine] = useState('');
  const [country, setCountry] = useState('');
  const { data, error, loading } = useAsync(() => get<Matrix>(`/v1/licences/matrix${qs({ horizonDays: horizon })}`), [horizon]);
  const jurisdictions = (data?.jurisdictions ?? []).filter((j) => !country || j.slice(0, 2) === country);
  const countries = [...new Set((data?.jurisdictions ?? []).map((j) => j.slice(0, 2)))].sort();
  return (
    <Page title="Licence matrix">
      <p className="lede">
        Teams × jurisdictions × product lines of the current org version: coverage from the team&apos;s firm grants and its reps&apos;
        individual grants. Cells outside a team&apos;s mandate are greyed out (never routed there).
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Matrix options">
        <label>
          Expiring-soon horizon (days){' '}
          <input
            type="number"
            min={0}
            max={3650}
            value={horizon}
            onChange={(e) => setHorizon(Math.max(0, Math.min(3650, Number(e.target.value) || 0)))}
            style={{ width: '6em' }}
          />
        </label>
        <label>
          Product line{' '}
          <select value={line} onChange={(e) => setLine(e.target.value)}>
            <option value="">All lines</option>
            {(data?.productLines ?? []).map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Country{' '}
          <select value={country} onChange={(e) => setCountry(e.target.value)}>
            <option value="">All</option>
            {countries.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      </form>
      {loading && <Loading what="the licence matrix" />}
      <ErrorBox error={error} />
      {data && (
        <>
          <p className="legend" aria-label="Legend">
            {(Object.keys(LABEL) as CellStatus[]).map((s) => (
              <span key={s}>
                <Badge tone={LABEL[s].tone}>{LABEL[s].text}</Badge> {LABEL[s].long} ({data.counts[s]})
              </span>
            ))}
          </p>
          <MatrixTable data={data} jurisdictions={jurisdictions} line={line} country={country} />
          <GrantTable
            title={`Expiring within ${data.horizonDays} days`}
            grants={data.expiringSoon}
            empty="No grant expires within the horizon."
          />
          <GrantTable title="Expired grants" grants={data.expired} empty="No expired grants." />
        </>
      )}
    </Page>
  );
}

function cellTitle(team: string, line: string, c: Cell): string {
  const firm = c.firmGrants.length ? c.firmGrants.map((g) => `${g.id} (${g.state})`).join(', ') : 'none';
  return (
    `${team}, ${line} in ${c.jurisdiction}: ${LABEL[c.status].long}. Firm grants: ${firm}. Licensed reps: ` +
    `${c.licensedReps.length}${c.expiredReps.length ? `; reps with expired grants: ${c.expiredReps.join(', ')}` : ''}.`
  );
}

export function GrantTable({ title, grants, empty }: { title: string; grants: GrantView[]; empty: string }) {
  const headingId = `h-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section aria-labelledby={headingId} className="card">
      <h2 id={headingId}>{title}</h2>
      {grants.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Grant</th>
              <th scope="col">Holder</th>
              <th scope="col">Regulator</th>
              <th scope="col">Jurisdiction</th>
              <th scope="col">Product lines</th>
              <th scope="col">Customer types</th>
              <th scope="col">Valid</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => (
              <tr key={`${g.id}/${g.holder.kind}`}>
                <td>
                  <code>{g.id}</code>
                  {g.carrier ? <div className="small muted">carrier {g.carrier}</div> : null}
                </td>
                <td>
                  {g.holder.kind === 'firm' ? (
                    `firm: ${g.holder.entity}`
                  ) : (
                    <Link to={`/licences/reps/${encodeURIComponent(g.holder.rep)}`}>{g.holder.rep}</Link>
                  )}
                </td>
                <td>{g.regulator}</td>
                <td>{g.jurisdiction}</td>
                <td>{g.productLines.join(', ')}</td>
                <td>{g.customerTypes.join(', ') || '—'}</td>
                <td>
                  {g.validFrom} → {g.validTo ?? 'open-ended'}
                </td>
                <td>
                  <Badge
                    tone={
                      g.state === 'valid'
                        ? 'good'
                        : g.state === 'expiring'
                          ? 'warn'
                          : g.state === 'expired' || g.state === 'inactive'
                            ? 'bad'
                            : 'info'
                    }
                  >
                    {g.state}
                  </Badge>
                  {g.daysLeft !== null && g.state !== 'expired' ? <span className="small"> {g.daysLeft} d left</span> : null}
                  {g.status !== 'active' ? <span className="small"> ({g.status})</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface RepLicences {
  at: string;
  horizonDays: number;
  rep: {
    id: string;
    name: string;
    teamId: string;
    teamName: string | null;
    status: string;
    weight: number;
    experience: string;
    capabilities: string[];
  };
  grants: GrantView[];
  appointments: GrantView[];
  firmGrants: GrantView[];
}

export function RepLicencesPage({ repId }: { repId: string }) {
  const [horizon, setHorizon] = useState(90);
  const { data, error, loading } = useAsync(
    () => get<RepLicences>(`/v1/reps/${encodeURIComponent(repId)}/licences${qs({ horizonDays: horizon })}`),
    [repId, horizon],
  );
  return (
    <Page title={`Licences of ${data?.rep.name ?? repId}`}>
      <p>
        <Link to="/licences">← Licence matrix</Link>
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Options">
        <label>
          Expiring-soon horizon (days){' '}
          <input
            type="number"
            min={0}
            max={3650}
            value={horizon}
            onChange={(e) => setHorizon(Math.max(0, Math.min(3650, Number(e.target.value) || 0)))}
            style={{ width: '6em' }}
          />
        </label>
      </form>
      {loading && <Loading what="the rep's grants" />}
      <ErrorBox error={error} />
      {data && (
        <>
          <dl className="facts card">
            <dt>Rep</dt>
            <dd>
              {data.rep.name} ({data.rep.id}), {data.rep.status}, {data.rep.experience}, weight {data.rep.weight}
            </dd>
            <dt>Team</dt>
            <dd>
              {data.rep.teamName} ({data.rep.teamId})
            </dd>
            <dt>Capabilities</dt>
            <dd>{data.rep.capabilities.join(', ') || '—'}</dd>
          </dl>
          <GrantTable
            title="Individual grants"
            grants={data.grants}
            empty="This rep holds no individual grant: they cannot be assigned any lead."
          />
          <GrantTable title="Carrier appointments" grants={data.appointments} empty="No carrier appointments." />
          <GrantTable title="Firm grants the team works under" grants={data.firmGrants} empty="The team's entity holds no firm grant." />
        </>
      )}
    </Page>
  );
}
