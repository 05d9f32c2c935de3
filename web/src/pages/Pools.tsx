import { useState, type FormEvent } from 'react';
import { get, post, type Me } from '../api.ts';
import { Badge, ErrorBox, Loading, Page, useAsync } from '../components/common.tsx';

/** GET /v1/pools (docs/operations.md "Pools"). */
interface PoolMember {
  readonly rep: string;
  readonly name: string | null;
  readonly weight: number;
  readonly cap: number | null;
  readonly assigned: number;
  readonly shortfall: number;
  readonly lastSeq: number;
  readonly day: string | null;
  readonly today: number;
  readonly expectedShare: number;
  readonly actualShare: number | null;
}

interface Pool {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly declared: boolean;
  readonly open: boolean;
  readonly seq: number;
  readonly members: readonly PoolMember[];
  readonly formerMembers: readonly string[];
}

const pct = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)} %`);

/** Round-robin pools, read-only, with the two audited ledger controls for admin and ops. */
export function Pools({ me }: { me: Me }) {
  const { data, error, loading, reload } = useAsync(() => get<{ pools: Pool[] }>('/v1/pools'), []);
  const canControl = me.roles.includes('admin') || me.roles.includes('ops');
  return (
    <Page title="Pools">
      <p className="muted">
        Round-robin pools and their ledgers. Membership, weights and caps change with a new org version; the ledger can be reset or
        recalibrated here, and every change is audited with who and why.
      </p>
      {loading && !data && <Loading what="pools" />}
      <ErrorBox error={error} title="Could not load pools" />
      {data?.pools.length === 0 && <p>This org version uses no round-robin pool.</p>}
      {data?.pools.map((p) => (
        <PoolCard key={p.id} pool={p} canControl={canControl} onChanged={reload} />
      ))}
    </Page>
  );
}

function PoolCard({ pool, canControl, onChanged }: { pool: Pool; canControl: boolean; onChanged: () => void }) {
  const h = `pool-${pool.id}-h`;
  return (
    <section aria-labelledby={h} className="card" data-testid={`pool-${pool.id}`}>
      <h2 id={h}>
        {pool.name} {pool.name !== pool.id && <code>{pool.id}</code>}{' '}
        {!pool.declared ? (
          <Badge tone="muted">name in a rule</Badge>
        ) : pool.open ? (
          <Badge tone="info">open: every eligible rep</Badge>
        ) : (
          <Badge tone="good">members only</Badge>
        )}
      </h2>
      {pool.description && <p>{pool.description}</p>}
      <p className="muted">{pool.seq} leads assigned by this pool so far.</p>
      <MemberTable pool={pool} />
      {pool.formerMembers.length > 0 && <p className="muted">Former members with a ledger entry: {pool.formerMembers.join(', ')}</p>}
      {canControl && <ControlForm pool={pool} onDone={onChanged} />}
    </section>
  );
}

function MemberTable({ pool }: { pool: Pool }) {
  if (pool.members.length === 0) return <p>{pool.open ? 'No lead assigned by this pool yet.' : 'No members.'}</p>;
  return (
    <table className="data">
      <caption>Members of {pool.name}: expected share by weight against actual share since the last reset</caption>
      <thead>
        <tr>
          <th scope="col">Rep</th>
          <th scope="col">Weight</th>
          <th scope="col">Cap per day</th>
          <th scope="col">Assigned</th>
          <th scope="col">Expected share</th>
          <th scope="col">Actual share</th>
          <th scope="col">Owed (shortfall)</th>
          <th scope="col">Last lead (seq)</th>
          <th scope="col">Today</th>
        </tr>
      </thead>
      <tbody>
        {pool.members.map((m) => (
          <tr key={m.rep}>
            <th scope="row">
              {m.name ?? m.rep} <span className="muted">({m.rep})</span>
            </th>
            <td>{m.weight}</td>
            <td>{m.cap ?? '—'}</td>
            <td>{m.assigned}</td>
            <td>{pct(m.expectedShare)}</td>
            <td>{pct(m.actualShare)}</td>
            <td>{m.shortfall.toFixed(2)}</td>
            <td>{m.lastSeq || '—'}</td>
            <td>{m.day ? `${m.today} on ${m.day}` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ControlForm({ pool, onDone }: { pool: Pool; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `pool-${pool.id}-reason`;
  const run = async (control: 'reset' | 'recalibrate') => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await post(`/v1/pools/${encodeURIComponent(pool.id)}/${control}`, { reason });
      setReason('');
      setDone(control === 'reset' ? 'Ledger reset to zero.' : 'Ledger recalibrated: every member level with their weight.');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="form"
      onSubmit={(e: FormEvent) => (e.preventDefault(), void run('recalibrate'))}
      aria-label={`Ledger controls for ${pool.name}`}
    >
      <label htmlFor={id}>Reason (kept in the audit trail)</label>
      <textarea id={id} rows={2} required value={reason} onChange={(e) => setReason(e.target.value)} />
      <div>
        <button type="submit" disabled={busy || reason.trim().length === 0}>
          Recalibrate
        </button>{' '}
        <button type="button" className="danger" disabled={busy || reason.trim().length === 0} onClick={() => void run('reset')}>
          Reset to zero
        </button>
      </div>
      {done && (
        <p role="status" aria-live="polite">
          {done}
        </p>
      )}
      <ErrorBox error={error} title={`Could not change pool ${pool.id}`} />
    </form>
  );
}
