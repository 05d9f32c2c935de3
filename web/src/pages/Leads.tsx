import { useState } from 'react';
import { LEAD_STATUSES } from '../../../src/domain/lead/lead-status.ts';
import { get, qs, repOnly, type Me } from '../api.ts';
import { Badge, ErrorBox, fmtTime, Loading, outcomeTone, Page, useAsync } from '../components/common.tsx';
import { Link } from '../router.tsx';

interface LeadRow {
  id: string;
  status: string;
  teamId: string | null;
  repId: string | null;
  receivedAt: string;
}
/** The domain's lead statuses offered as filters: not NEW (it exists only inside a routing transaction) nor ERASED, as before. */
const STATUSES = ['', ...LEAD_STATUSES.filter((s) => s !== 'NEW' && s !== 'ERASED')];

/** One row per lead: status, team, rep, when it arrived. */
function LeadTable({ items }: { items: LeadRow[] }) {
  return (
    <table className="data">
      <caption>Leads, oldest first</caption>
      <thead>
        <tr>
          <th scope="col">Lead</th>
          <th scope="col">Status</th>
          <th scope="col">Team</th>
          <th scope="col">Rep</th>
          <th scope="col">Received</th>
        </tr>
      </thead>
      <tbody>
        {items.map((l) => (
          <tr key={l.id}>
            <td>
              <Link to={`/leads/${encodeURIComponent(l.id)}`}>{l.id}</Link>
            </td>
            <td>
              <Badge tone={outcomeTone(l.status)}>{l.status}</Badge>
            </td>
            <td>{l.teamId ?? '—'}</td>
            <td>{l.repId ?? '—'}</td>
            <td>{fmtTime(l.receivedAt)}</td>
          </tr>
        ))}
        {items.length === 0 && (
          <tr>
            <td colSpan={5}>No leads.</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function Leads({ me }: { me: Me }) {
  const [status, setStatus] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const [history, setHistory] = useState<(string | null)[]>([]);
  const { data, error, loading } = useAsync(
    () => get<{ items: LeadRow[]; nextCursor: string | null }>(`/v1/leads${qs({ status, cursor, limit: 50 })}`),
    [status, cursor],
  );
  return (
    <Page title={repOnly(me) ? 'My leads' : 'Leads'}>
      {repOnly(me) && <p className="lede">Leads assigned to you ({me.repId}). Other leads are not visible to the rep role.</p>}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter leads">
        <label>
          Status{' '}
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setCursor(null);
              setHistory([]);
            }}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'Any status'}
              </option>
            ))}
          </select>
        </label>
      </form>
      {loading && <Loading what="leads" />}
      <ErrorBox error={error} />
      {data && (
        <>
          <LeadTable items={data.items} />
          <div className="pager">
            <button
              type="button"
              className="secondary"
              disabled={history.length === 0}
              onClick={() => {
                setCursor(history.at(-1) ?? null);
                setHistory((h) => h.slice(0, -1));
              }}
            >
              Previous page
            </button>
            <button
              type="button"
              className="secondary"
              disabled={!data.nextCursor}
              onClick={() => {
                setHistory((h) => [...h, cursor]);
                setCursor(data.nextCursor);
              }}
            >
              Next page
            </button>
          </div>
        </>
      )}
    </Page>
  );
}
