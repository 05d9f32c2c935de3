import { useState } from 'react';
import { get, qs, type Me } from '../api.ts';
import { Badge, ErrorBox, fmtTime, Loading, outcomeTone, Page, useAsync } from '../components/common.tsx';
import { Link } from '../router.tsx';
import type { Review } from '../types.ts';

type Status = 'OPEN' | 'APPROVED' | 'REJECTED';

/** The queue as a table: one row per review, decided-by only for closed ones. */
function ReviewTable({ items, status, more, me }: { items: Review[]; status: Status; more: boolean; me: Me }) {
  return (
    <table className="data" aria-describedby="queue-count">
      <caption id="queue-count">
        {items.length} {status.toLowerCase()} review{items.length === 1 ? '' : 's'}
        {more ? ' (first 1000 shown)' : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">Review</th>
          <th scope="col">Kind</th>
          <th scope="col">Reasons</th>
          <th scope="col">Lead</th>
          <th scope="col">Requested by</th>
          <th scope="col">Requested at</th>
          {status !== 'OPEN' && <th scope="col">Decided by</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id} data-lead-id={r.leadId}>
            <td>
              <Link to={`/review/${encodeURIComponent(r.id)}`}>Open review {r.id}</Link>
            </td>
            <td>
              <Badge tone={outcomeTone(r.kind)}>{r.kind}</Badge>
            </td>
            <td>
              {r.reasonCodes.map((c) => (
                <code key={c} className="code-chip">
                  {c}
                </code>
              ))}
            </td>
            <td>
              <Link to={`/leads/${encodeURIComponent(r.leadId)}`}>{r.leadId}</Link>
            </td>
            <td>{r.requestedBy === me.keyId ? `${r.requestedBy} (you)` : r.requestedBy}</td>
            <td>{fmtTime(r.requestedAt)}</td>
            {status !== 'OPEN' && <td>{r.decidedBy ?? '—'}</td>}
          </tr>
        ))}
        {items.length === 0 && (
          <tr>
            <td colSpan={status !== 'OPEN' ? 7 : 6}>Nothing here.</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function ReviewQueue({ me }: { me: Me }) {
  const [status, setStatus] = useState<Status>('OPEN');
  const [kind, setKind] = useState('');
  const [pages, setPages] = useState<string[]>([]);
  const { data, error, loading } = useAsync(async () => {
    const items: Review[] = [];
    let cursor: string | null = null;
    // Load up to 5 pages of 200 (the queue is oldest first; this is a working list, not an archive).
    for (let i = 0; i < 5; i++) {
      const page: { items: Review[]; nextCursor: string | null } = await get(`/v1/review${qs({ status, limit: 200, cursor })}`);
      items.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return { items, more: cursor !== null };
  }, [status, pages]);
  const items = (data?.items ?? []).filter((r) => !kind || r.kind === kind);
  const kinds = [...new Set((data?.items ?? []).map((r) => r.kind))].sort();
  return (
    <Page title="Review queue">
      <p className="lede">
        Refused, held (screening) and exception leads awaiting compliance. Only the compliance role approves or rejects; the approver must
        differ from whoever requested the review (four eyes).
        {me.role !== 'compliance' ? ' You can read the queue; decisions need a compliance officer.' : ''}
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the queue">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            <option value="OPEN">Open</option>
            <option value="APPROVED">Approved</option>
            <option value="REJECTED">Rejected</option>
          </select>
        </label>
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All kinds</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={() => setPages((p) => [...p, 'x'])}>
          Refresh
        </button>
      </form>
      {loading && <Loading what="the review queue" />}
      <ErrorBox error={error} />
      {data && <ReviewTable items={items} status={status} more={data.more} me={me} />}
    </Page>
  );
}
