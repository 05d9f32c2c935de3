import { useState } from 'react';
import { api, get, type Me } from '../api.ts';
import { Badge, ErrorBox, Loading, Page, useAsync } from '../components/common.tsx';
import { ReassignPanel } from '../components/roster/ReassignPanel.tsx';
import { RepDrawer } from '../components/roster/RepDrawer.tsx';
import { CapacityForm, OutOfOfficeForm, StatusForm } from '../components/roster/RepEditForms.tsx';
import { alertText, announceRosterChanged, type Roster, type RosterRep } from '../components/roster/roster-types.ts';

type Mode = 'manage' | 'reassign' | 'details';
interface Selection {
  readonly repId: string;
  readonly mode: Mode;
}

const STATUS_TONE = { active: 'good', paused: 'warn', inactive: 'muted', left: 'bad' } as const;
const ofCap = (n: number, cap: number | null) => (cap === null ? `${n}` : `${n} / ${cap}`);
const overCap = (n: number, cap: number | null) => cap !== null && n >= cap;

function AlertBanner({ roster }: { roster: Roster }) {
  if (roster.alerts.length === 0) return null;
  return (
    <div className="notice" role="alert" data-testid="overload-alert">
      <p>
        <strong>
          Overload: {roster.alerts.length} alert{roster.alerts.length === 1 ? '' : 's'}
        </strong>
      </p>
      <ul>
        {roster.alerts.map((a, i) => (
          <li key={i}>
            <Badge tone="bad">{a.code}</Badge> {alertText(a)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Away / back for a rep (PUT /v1/reps/:repId/presence): audited, no new org version. */
function PresenceToggle({ rep, onDone }: { rep: RosterRep; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const away = rep.presence.status === 'away';
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      await api(
        'PUT',
        `/v1/reps/${encodeURIComponent(rep.id)}/presence`,
        away ? { status: 'available' } : { status: 'away', reason: 'set by ops' },
      );
      announceRosterChanged();
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => void toggle()}
        aria-label={`${away ? 'Mark back' : 'Mark away'}: ${rep.name}`}
      >
        {away ? 'Mark back' : 'Mark away'}
      </button>
      <ErrorBox error={error} title={`Could not change ${rep.name}'s presence`} />
    </>
  );
}

function RepRow({
  rep,
  canEdit,
  selected,
  onSelect,
  onChanged,
}: {
  rep: RosterRep;
  canEdit: boolean;
  selected: Mode | null;
  onSelect: (m: Mode) => void;
  onChanged: () => void;
}) {
  const { load, capacity } = rep;
  return (
    <tr data-testid={`rep-${rep.id}`}>
      <th scope="row">
        <button type="button" className="linklike" aria-expanded={selected === 'details'} onClick={() => onSelect('details')}>
          {rep.name}
        </button>{' '}
        <span className="muted small">({rep.id})</span>
      </th>
      <td data-testid={`status-${rep.id}`}>
        <Badge tone={STATUS_TONE[rep.status]}>{rep.status}</Badge>
      </td>
      <td data-testid={`presence-${rep.id}`}>
        <Badge tone={rep.presence.status === 'away' ? 'warn' : 'good'}>{rep.presence.status}</Badge>
        {rep.presence.reason ? <span className="small"> {rep.presence.reason}</span> : null}
      </td>
      <td className={overCap(load.open, capacity.maxOpenLeads) ? 'over' : undefined} data-testid={`open-${rep.id}`}>
        {ofCap(load.open, capacity.maxOpenLeads)}
      </td>
      <td className={overCap(load.today, capacity.maxLeadsPerDay) ? 'over' : undefined} data-testid={`today-${rep.id}`}>
        {ofCap(load.today, capacity.maxLeadsPerDay)}
      </td>
      <td>{rep.weight}</td>
      <td>{rep.pools.join(', ') || '—'}</td>
      <td data-testid={`ooo-${rep.id}`}>{rep.outOfOffice.map((p) => `${p.from} → ${p.to}`).join('; ') || '—'}</td>
      {canEdit && (
        <td className="actions">
          <PresenceToggle rep={rep} onDone={onChanged} />{' '}
          <button
            type="button"
            className="secondary"
            aria-expanded={selected === 'manage'}
            onClick={() => onSelect('manage')}
            aria-label={`Manage ${rep.name}`}
          >
            Manage…
          </button>{' '}
          <button
            type="button"
            className="secondary"
            aria-expanded={selected === 'reassign'}
            onClick={() => onSelect('reassign')}
            aria-label={`Move open leads of ${rep.name}`}
          >
            Move open leads…
          </button>
        </td>
      )}
    </tr>
  );
}

function TeamTable({
  team,
  canEdit,
  selection,
  onSelect,
  onChanged,
}: {
  team: Roster['teams'][number];
  canEdit: boolean;
  selection: Selection | null;
  onSelect: (s: Selection | null) => void;
  onChanged: () => void;
}) {
  const h = `team-${team.id}-h`;
  return (
    <section aria-labelledby={h} className="card" data-testid={`team-${team.id}`}>
      <h2 id={h}>
        {team.name} <code>{team.id}</code>
      </h2>
      {team.reps.length === 0 ? (
        <p>No reps.</p>
      ) : (
        <div className="scroll">
          <table className="data">
            <caption>Reps of {team.name}: status, presence, today's load against caps</caption>
            <thead>
              <tr>
                <th scope="col">Rep</th>
                <th scope="col">Status</th>
                <th scope="col">Presence</th>
                <th scope="col">Open leads / cap</th>
                <th scope="col">Today / cap</th>
                <th scope="col">Weight</th>
                <th scope="col">Pools</th>
                <th scope="col">Out of office ahead</th>
                {canEdit && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {team.reps.map((rep) => {
                const selected = selection?.repId === rep.id ? selection.mode : null;
                return (
                  <RepRow
                    key={rep.id}
                    rep={rep}
                    canEdit={canEdit}
                    selected={selected}
                    onSelect={(mode) => onSelect(selected === mode ? null : { repId: rep.id, mode })}
                    onChanged={onChanged}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ManagePanel({ rep, hash, onDone }: { rep: RosterRep; hash: string; onDone: () => void }) {
  return (
    <section aria-labelledby={`manage-${rep.id}-h`} className="card" data-testid="manage-panel">
      <h3 id={`manage-${rep.id}-h`}>Manage {rep.name}</h3>
      <p className="muted">Each change publishes the next org version (hashed, kept; every decision names the version it used).</p>
      <div className="grid2">
        <StatusForm rep={rep} hash={hash} onDone={onDone} />
        <OutOfOfficeForm rep={rep} hash={hash} onDone={onDone} />
        <CapacityForm rep={rep} hash={hash} onDone={onDone} />
      </div>
    </section>
  );
}

/** The Roster page (docs/console.md "Roster"): sales ops run the floor; compliance reads. */
export function RosterPage({ me }: { me: Me }) {
  const { data, error, loading, reload } = useAsync(() => get<Roster>('/v1/roster'), []);
  const [selection, setSelection] = useState<Selection | null>(null);
  const canEdit = me.roles.includes('admin') || me.roles.includes('ops');
  const rep = selection && data?.teams.flatMap((t) => t.reps).find((r) => r.id === selection.repId);
  return (
    <Page title="Roster">
      <p className="muted">
        Teams and reps as routing sees them now
        {data ? (
          <>
            {' '}
            (org version <code>{data.version}</code> <code className="hash">{data.hash}</code>)
          </>
        ) : null}
        .
        {canEdit
          ? ' Status, out-of-office and caps publish a new org version with your reason; away/back does not.'
          : ' Read-only for your role.'}
      </p>
      {loading && !data && <Loading what="the roster" />}
      <ErrorBox error={error} title="Could not load the roster" />
      {data && <AlertBanner roster={data} />}
      {rep && selection.mode === 'details' && <RepDrawer key={rep.id} repId={rep.id} name={rep.name} onClose={() => setSelection(null)} />}
      {rep && canEdit && selection.mode === 'manage' && data && <ManagePanel key={rep.id} rep={rep} hash={data.hash} onDone={reload} />}
      {rep && canEdit && selection.mode === 'reassign' && <ReassignPanel key={rep.id} rep={rep} onDone={reload} />}
      {data?.teams.map((team) => (
        <TeamTable key={team.id} team={team} canEdit={canEdit} selection={selection} onSelect={setSelection} onChanged={reload} />
      ))}
    </Page>
  );
}
