import { useMemo, useState, type ChangeEvent } from 'react';
import { parse as parseYaml } from 'yaml';
import { get, hasOperation, post, type Me } from '../api.ts';
import { Chart, PALETTE } from '../components/Chart.tsx';
import { Badge, ErrorBox, fmtTime, Loading, outcomeTone, Page, useAsync } from '../components/common.tsx';
import { Link } from '../router.tsx';
import type { OrgConfigView } from '../types.ts';
import { DraftOutcomeNote, PendingDrafts, type DraftOutcome } from './OrgDrafts.tsx';

interface Versions {
  current: string;
  versions: { hash: string; version: string; createdAt: string; createdBy: string }[];
}
interface RoutingView {
  outcome: string;
  teamId: string | null;
  repId: string | null;
  reasonCodes: string[];
}
interface LeadChange {
  leadId: string;
  receivedAt: string;
  jurisdiction: string;
  product: string;
  recorded: RoutingView & { orgHash: string };
  simulated: RoutingView & { ruleId: string | null; summary: string };
}
interface SimulationDiff {
  draft: { version: string; hash: string };
  window: { since: string | null; limit: number; from: string | null; to: string | null };
  replayed: number;
  skipped: { duplicates: number; undecided: number };
  newRefusals: LeadChange[];
  noLongerRefused: LeadChange[];
  newHolds: LeadChange[];
  noLongerHeld: LeadChange[];
  outcomeChanges: LeadChange[];
  teamChanges: LeadChange[];
  repChanges: LeadChange[];
  fairness: { repId: string; teamId: string | null; recorded: number; simulated: number; shift: number }[];
  outcomes: Record<string, { recorded: number; simulated: number }>;
  unchanged: boolean;
}

export function Rules({ me }: { me: Me }) {
  const { data, error, loading, reload } = useAsync(async () => {
    const [org, versions, canSimulate] = await Promise.all([
      get<OrgConfigView>('/v1/org'),
      get<Versions>('/v1/org/versions'),
      hasOperation('post', '/v1/simulations'),
    ]);
    return { org, versions, canSimulate };
  }, []);
  const [draft, setDraft] = useState('');
  return (
    <Page title="Rules and simulation">
      {loading && <Loading what="the published rule set" />}
      <ErrorBox error={error} />
      {data && (
        <>
          <Published org={data.org} />
          <PendingDrafts key={data.versions.current} />
          <History versions={data.versions} onLoad={(text) => setDraft(text)} />
          <DraftPanel me={me} org={data.org} draft={draft} setDraft={setDraft} canSimulate={data.canSimulate} onPublished={reload} />
        </>
      )}
    </Page>
  );
}

function Published({ org }: { org: OrgConfigView }) {
  const rules = org.config.rules as readonly {
    id: string;
    description?: string;
    when?: unknown;
    then: { kind: string; teams?: unknown; reasonCode?: string };
  }[];
  return (
    <section aria-labelledby="pub-h" className="card">
      <h2 id="pub-h">Published rule set</h2>
      <p>
        Version <strong>{org.version}</strong> <code className="hash">{org.hash}</code> — {org.config.teams.length} teams,{' '}
        {org.config.reps.length} reps, {org.config.licences.length} licence grants, {rules.length} rules.
      </p>
      <table className="data">
        <caption>Rules in evaluation order (the first that matches fires)</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Rule</th>
            <th scope="col">Outcome</th>
            <th scope="col">Condition</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r, i) => (
            <tr key={r.id}>
              <td>{i + 1}</td>
              <td>
                <code>{r.id}</code>
                {r.description ? <div className="small">{r.description}</div> : null}
              </td>
              <td>
                <Badge tone={r.then.kind === 'route' ? 'good' : r.then.kind === 'refuse' ? 'bad' : 'warn'}>{r.then.kind}</Badge>{' '}
                {r.then.kind === 'route'
                  ? Array.isArray(r.then.teams)
                    ? r.then.teams.join(', ')
                    : String(r.then.teams)
                  : (r.then.reasonCode ?? '')}
              </td>
              <td>
                <details>
                  <summary>{r.when ? 'show condition' : 'always'}</summary>
                  <pre className="json">{JSON.stringify(r.when ?? null, null, 2)}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function History({ versions, onLoad }: { versions: Versions; onLoad: (text: string) => void }) {
  const [error, setError] = useState<unknown>(null);
  const load = async (hash: string) => {
    setError(null);
    try {
      const v = await get<{ config: unknown }>(`/v1/org/versions/${encodeURIComponent(hash)}`);
      onLoad(JSON.stringify(v.config, null, 2));
      document.getElementById('draft-json')?.focus();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="hist-h" className="card">
      <h2 id="hist-h">Version history</h2>
      <ErrorBox error={error} />
      <table className="data">
        <caption>Every published version, newest first (who published it and when)</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Hash</th>
            <th scope="col">Published</th>
            <th scope="col">By</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {[...versions.versions].reverse().map((v) => (
            <tr key={v.hash}>
              <td>
                {v.version} {v.hash === versions.current ? <Badge tone="good">current</Badge> : null}
              </td>
              <td>
                <code className="hash">{v.hash.slice(0, 23)}…</code>
              </td>
              <td>{fmtTime(v.createdAt)}</td>
              <td>{v.createdBy}</td>
              <td>
                <button type="button" className="secondary small" onClick={() => void load(v.hash)}>
                  Load as draft
                  <span className="sr-only">
                    {' '}
                    ({v.version} {v.hash.slice(7, 19)})
                  </span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The draft's simulate / publish actions and what they report; `parsed` checks the draft is a JSON object. */
function useDraftActions(draft: string, setDraft: (s: string) => void, limit: number, onPublished: () => void) {
  const [parseError, setParseError] = useState<string | null>(null);
  const [simError, setSimError] = useState<unknown>(null);
  const [diff, setDiff] = useState<SimulationDiff | null>(null);
  const [busy, setBusy] = useState<'' | 'simulate' | 'publish'>('');
  const [published, setPublished] = useState<DraftOutcome | null>(null);
  const [pubError, setPubError] = useState<unknown>(null);

  const parsed = (): Record<string, unknown> | null => {
    try {
      const v = JSON.parse(draft) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('the draft must be a JSON object (the whole org config)');
      setParseError(null);
      return v as Record<string, unknown>;
    } catch (e) {
      setParseError(e instanceof Error ? e.message : String(e));
      return null;
    }
  };
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    try {
      const value = parseYaml(await file.text()) as unknown;
      setDraft(JSON.stringify(value, null, 2));
      setParseError(null);
    } catch (err) {
      setParseError(`${file.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const simulate = async () => {
    const config = parsed();
    if (!config) return;
    setBusy('simulate');
    setSimError(null);
    setDiff(null);
    try {
      setDiff(await post<SimulationDiff>('/v1/simulations', { config, limit }));
    } catch (e) {
      setSimError(e);
    } finally {
      setBusy('');
    }
  };
  const publish = async () => {
    const config = parsed();
    if (!config) return;
    setBusy('publish');
    setPubError(null);
    setPublished(null);
    try {
      // A draft first (maker-checker): a roster edit is published at once, anything else waits for a second person.
      setPublished(await post<DraftOutcome>('/v1/org/drafts', { config }));
      onPublished();
    } catch (e) {
      setPubError(e);
    } finally {
      setBusy('');
    }
  };
  return { parseError, simError, diff, busy, published, pubError, onFile, simulate, publish };
}

interface DraftPanelProps {
  me: Me;
  org: OrgConfigView;
  draft: string;
  setDraft: (s: string) => void;
  canSimulate: boolean;
  onPublished: () => void;
}

function DraftPanel({ me, org, draft, setDraft, canSimulate, onPublished }: DraftPanelProps) {
  const [limit, setLimit] = useState(200);
  const { parseError, simError, diff, busy, published, pubError, onFile, simulate, publish } = useDraftActions(
    draft,
    setDraft,
    limit,
    onPublished,
  );

  return (
    <section aria-labelledby="draft-h" className="card">
      <h2 id="draft-h">Draft: simulate, then publish</h2>
      <p className="hint">
        Load the current version or a previous one, upload a whole org config as one JSON or YAML file, or edit the JSON below. The
        simulation replays the last recorded leads against the draft; nothing changes until an admin publishes, and a change beyond the
        roster (availability, capacity, weights) then waits for a second person&apos;s approval.
      </p>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => setDraft(JSON.stringify(org.config, null, 2))}>
          Load the current version
        </button>
        <label className="file">
          Upload a draft (JSON or YAML){' '}
          <input type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" onChange={(e) => void onFile(e)} />
        </label>
      </div>
      <label htmlFor="draft-json">Draft org config (JSON)</label>
      <textarea
        id="draft-json"
        className="code"
        rows={18}
        spellCheck={false}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        aria-invalid={parseError !== null}
        aria-describedby={parseError ? 'draft-error' : undefined}
      />
      {parseError && (
        <p id="draft-error" className="error" role="alert">
          The draft is not valid JSON: {parseError}
        </p>
      )}
      <div className="actions">
        <label>
          Replay the last{' '}
          <input
            type="number"
            min={1}
            max={10000}
            value={limit}
            onChange={(e) => setLimit(Math.max(1, Math.min(10000, Number(e.target.value) || 1)))}
            style={{ width: '6em' }}
          />{' '}
          leads
        </label>
        <button type="button" onClick={() => void simulate()} disabled={!canSimulate || busy !== '' || draft.trim() === ''}>
          {busy === 'simulate' ? 'Simulating…' : 'Run simulation'}
        </button>
        {me.roles.includes('admin') ? (
          <button type="button" className="danger" onClick={() => void publish()} disabled={busy !== '' || draft.trim() === ''}>
            {busy === 'publish' ? 'Publishing…' : 'Publish this draft'}
          </button>
        ) : (
          <span className="muted">Publishing needs the admin role.</span>
        )}
      </div>
      {!canSimulate && (
        <p className="notice" data-testid="missing">
          Not available: this server does not provide <code>POST /v1/simulations</code>.
        </p>
      )}
      <ErrorBox error={simError} title="Simulation refused" />
      <ErrorBox error={pubError} title="Publishing refused" />
      {published && <DraftOutcomeNote outcome={published} />}
      {diff && <DiffView diff={diff} />}
    </section>
  );
}

/** Leads per outcome, as recorded and as the draft would decide them. */
function OutcomeTable({ outcomes }: { outcomes: SimulationDiff['outcomes'] }) {
  return (
    <table className="data">
      <caption>Outcomes, recorded vs draft</caption>
      <thead>
        <tr>
          <th scope="col">Outcome</th>
          <th scope="col">Recorded</th>
          <th scope="col">Draft</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(outcomes).map(([o, c]) => (
          <tr key={o}>
            <td>
              <Badge tone={outcomeTone(o)}>{o}</Badge>
            </td>
            <td>{c.recorded}</td>
            <td>{c.simulated}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DiffView({ diff }: { diff: SimulationDiff }) {
  const fairness = useMemo(
    () => ({
      color: PALETTE,
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { left: 50, right: 20, bottom: 100 },
      xAxis: { type: 'category', data: diff.fairness.map((f) => f.repId), axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: 'value', name: 'assigned leads', minInterval: 1 },
      series: [
        { type: 'bar', name: 'Recorded', data: diff.fairness.map((f) => f.recorded) },
        { type: 'bar', name: 'Simulated (draft)', data: diff.fairness.map((f) => f.simulated) },
      ],
    }),
    [diff],
  );
  return (
    <div className="diff" aria-live="polite" data-testid="simulation-diff">
      <h3>Simulation result</h3>
      <p>
        Draft {diff.draft.version} <code className="hash">{diff.draft.hash.slice(0, 23)}…</code>: {diff.replayed} leads replayed (
        {diff.window.from ? `${fmtTime(diff.window.from)} – ` + `${fmtTime(diff.window.to)}` : 'none'}), {diff.skipped.duplicates}{' '}
        duplicates and {diff.skipped.undecided} undecided skipped. {diff.unchanged ? <strong>Nothing would change.</strong> : null}
      </p>
      <OutcomeTable outcomes={diff.outcomes} />
      <ChangeTable id="new-refusals" title="New refusals" rows={diff.newRefusals} />
      <ChangeTable id="new-holds" title="New holds" rows={diff.newHolds} />
      <ChangeTable id="no-longer-refused" title="No longer refused" rows={diff.noLongerRefused} />
      <ChangeTable id="no-longer-held" title="No longer held" rows={diff.noLongerHeld} />
      <ChangeTable id="outcome-changes" title="Other outcome changes" rows={diff.outcomeChanges} />
      <ChangeTable id="team-changes" title="Team changes" rows={diff.teamChanges} />
      <ChangeTable id="rep-changes" title="Rep changes" rows={diff.repChanges} />
      <section aria-labelledby="fair-shift-h">
        <h4 id="fair-shift-h">Fairness shift (assigned leads per rep)</h4>
        {diff.fairness.length === 0 ? (
          <p className="muted">No rep&apos;s count changes.</p>
        ) : (
          <>
            <Chart label="Assigned leads per rep, recorded versus simulated with the draft" option={fairness} height={280} />
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Rep</th>
                  <th scope="col">Team</th>
                  <th scope="col">Recorded</th>
                  <th scope="col">Draft</th>
                  <th scope="col">Shift</th>
                </tr>
              </thead>
              <tbody>
                {diff.fairness.map((f) => (
                  <tr key={f.repId}>
                    <td>{f.repId}</td>
                    <td>{f.teamId ?? '—'}</td>
                    <td>{f.recorded}</td>
                    <td>{f.simulated}</td>
                    <td>{f.shift > 0 ? `+${f.shift}` : f.shift}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </div>
  );
}

function ChangeTable({ id, title, rows }: { id: string; title: string; rows: LeadChange[] }) {
  return (
    <section aria-labelledby={`${id}-h`} data-testid={id}>
      <h4 id={`${id}-h`}>
        {title} ({rows.length})
      </h4>
      {rows.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Lead</th>
              <th scope="col">Jurisdiction / product</th>
              <th scope="col">Recorded</th>
              <th scope="col">With the draft</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 500).map((r) => (
              <tr key={r.leadId}>
                <td>
                  <Link to={`/leads/${encodeURIComponent(r.leadId)}`}>{r.leadId}</Link>
                </td>
                <td>
                  {r.jurisdiction} / {r.product}
                </td>
                <td>
                  {r.recorded.outcome} {r.recorded.teamId ? `${r.recorded.teamId} / ${r.recorded.repId ?? '—'}` : ''}
                </td>
                <td>
                  {r.simulated.outcome} {r.simulated.teamId ? `${r.simulated.teamId} / ${r.simulated.repId ?? '—'}` : ''}
                </td>
                <td>
                  {r.simulated.reasonCodes.map((c) => (
                    <code key={c} className="code-chip">
                      {c}
                    </code>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
