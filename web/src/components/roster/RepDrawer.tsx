import { useEffect, useRef } from 'react';
import { get } from '../../api.ts';
import { Badge, ErrorBox, fmtTime, Loading, useAsync } from '../common.tsx';
import { Link } from '../../router.tsx';
import type { OutOfOfficePeriod, RosterRep } from './roster-types.ts';

interface Grant {
  readonly id: string;
  readonly jurisdiction: string;
  readonly activity: string;
  readonly productLines: readonly string[];
  readonly validTo: string | null;
  readonly status: string;
  readonly state: string;
  readonly daysLeft: number | null;
  readonly carrier?: string;
}
interface Licences {
  readonly grants: readonly Grant[];
  readonly appointments: readonly Grant[];
}
interface Change {
  readonly at: string;
  readonly action: string | null;
  readonly actor: string;
  readonly reason: string | null;
  readonly after: string | null;
}
type Detail = RosterRep & { readonly changes: readonly Change[] };

const HORIZON_DAYS = 90;
const stateTone = (s: string) => (s === 'active' ? 'good' : s === 'expiring' ? 'warn' : 'bad');

function LicenceList({ licences }: { licences: Licences }) {
  const all = [...licences.grants, ...licences.appointments];
  const expiring = all.filter((g) => g.state === 'expiring');
  return (
    <>
      <h3>Upcoming expiries (next {HORIZON_DAYS} days)</h3>
      {expiring.length === 0 ? (
        <p>No licence of theirs expires within {HORIZON_DAYS} days.</p>
      ) : (
        <ul data-testid="drawer-expiries">
          {expiring.map((g) => (
            <li key={g.id}>
              <Badge tone="warn">Expiring</Badge> <code>{g.id}</code> {g.jurisdiction} {g.activity}: ends {g.validTo} ({g.daysLeft} d left)
            </li>
          ))}
        </ul>
      )}
      <table className="data">
        <caption>Individual licences and carrier appointments</caption>
        <thead>
          <tr>
            <th scope="col">Grant</th>
            <th scope="col">Jurisdiction</th>
            <th scope="col">Activity / products</th>
            <th scope="col">Valid to</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {all.map((g) => (
            <tr key={g.id}>
              <th scope="row">
                <code>{g.id}</code>
              </th>
              <td>{g.jurisdiction}</td>
              <td>
                {g.activity} {g.productLines.join(', ')} {g.carrier ? `(${g.carrier})` : ''}
              </td>
              <td>{g.validTo ?? 'open-ended'}</td>
              <td>
                <Badge tone={stateTone(g.state)}>{g.state}</Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const period = (p: OutOfOfficePeriod) =>
  `${p.from} → ${p.to}${p.reason ? ` (${p.reason})` : ''}${p.importedFrom ? ' · from calendar' : ''}`;

function DrawerBody({ detail, licences }: { detail: Detail; licences: Licences }) {
  return (
    <>
      <p>
        Team <code>{detail.team}</code> · {detail.timeZone} · weight {detail.weight} ·{' '}
        <Link to={`/licences/reps/${encodeURIComponent(detail.id)}`}>full licence page</Link>
      </p>
      <LicenceList licences={licences} />
      <h3>Pools</h3>
      <p>{detail.pools.length ? detail.pools.join(', ') : 'Not a member of a declared pool.'}</p>
      <h3>Out of office</h3>
      {detail.outOfOffice.length ? (
        <ul data-testid="drawer-ooo">
          {detail.outOfOffice.map((p) => (
            <li key={`${p.from}-${p.to}`}>{period(p)}</li>
          ))}
        </ul>
      ) : (
        <p>No out-of-office period ahead.</p>
      )}
      <h3>Recent changes</h3>
      {detail.changes.length ? (
        <ul data-testid="drawer-changes">
          {detail.changes.map((c, i) => (
            <li key={i}>
              {fmtTime(c.at)} · {c.action ?? 'change'} by {c.actor}
              {c.reason ? ` — ${c.reason}` : ''} {c.after ? <code className="hash">{c.after.slice(0, 19)}</code> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No change recorded yet (the audit trail seals entries every few seconds).</p>
      )}
    </>
  );
}

/** Rep drawer: licences and their expiries, pools, out-of-office periods and the recent changes about the rep. */
export function RepDrawer({ repId, name, onClose }: { repId: string; name: string; onClose: () => void }) {
  const id = encodeURIComponent(repId);
  const { data, error, loading } = useAsync(
    () => Promise.all([get<Detail>(`/v1/roster/reps/${id}`), get<Licences>(`/v1/reps/${id}/licences?horizonDays=${HORIZON_DAYS}`)]),
    [id],
  );
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), [repId]);
  return (
    <aside
      className="card drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="rep-drawer-h"
      data-testid="rep-drawer"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <div className="page-head">
        <h2 id="rep-drawer-h">{name}</h2>
        <button type="button" className="secondary" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
      {loading && <Loading what={`${name}'s details`} />}
      <ErrorBox error={error} title={`Could not load ${name}'s details`} />
      {data && <DrawerBody detail={data[0]} licences={data[1]} />}
    </aside>
  );
}
