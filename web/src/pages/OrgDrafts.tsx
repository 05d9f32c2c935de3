import { useState } from 'react';
import type { OrgConfigDiff } from '../../../src/domain/org/org-config-diff.ts';
import { get, post, type Me } from '../api.ts';
import { ConfigDiff } from '../components/ConfigDiff.tsx';
import { Badge, ErrorBox, fmtTime, Loading, outcomeTone, Page, useAsync } from '../components/common.tsx';
import { Link } from '../router.tsx';
import type { OrgConfigView } from '../types.ts';

/** Maker-checker for org versions (docs/access.md, docs/console.md): pending drafts, one draft's diff and simulation, approve / reject. */

interface DraftSummary {
  id: string;
  status: 'pending_approval' | 'published' | 'rejected';
  classification: 'unchanged' | 'roster-only' | 'sensitive';
  sensitive: string[];
  requestedBy: string;
  requestedAt: string;
  reason: string | null;
  baseHash: string;
  draftHash: string;
  version: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
}
interface SimulationSummary {
  replayed: number;
  unchanged: boolean;
  counts: Record<string, number>;
  outcomes: Record<string, { recorded: number; simulated: number }>;
}
export interface Draft extends DraftSummary {
  diff: OrgConfigDiff;
  simulation: SimulationSummary;
}
export interface PublishedVersion {
  hash: string;
  version: string;
  createdAt: string;
  createdBy: string;
  created: boolean;
}
export interface DraftOutcome {
  draft: Draft;
  published: PublishedVersion | null;
}

const STATUS_TONE = { pending_approval: 'warn', published: 'good', rejected: 'bad' } as const;

/** What publishing a draft did: in force at once, or waiting for a second person. */
export function DraftOutcomeNote({ outcome }: { outcome: DraftOutcome }) {
  const p = outcome.published;
  if (!p)
    return (
      <p className="notice" role="status" data-testid="draft-pending">
        Waiting for a second person: this draft changes {outcome.draft.sensitive.join('; ')}.{' '}
        <Link to={`/rules/drafts/${encodeURIComponent(outcome.draft.id)}`}>Open draft {outcome.draft.id}</Link>
      </p>
    );
  return (
    <p className="success" role="status" data-testid="published">
      {p.created ? 'Published' : 'Already published (made current again)'}: {p.version} <code className="hash">{p.hash}</code> by{' '}
      {p.createdBy} at {fmtTime(p.createdAt)}.
    </p>
  );
}

export function PendingDrafts() {
  const { data, error, loading } = useAsync(() => get<{ drafts: DraftSummary[] }>('/v1/org/drafts?status=pending_approval'), []);
  return (
    <section aria-labelledby="pending-drafts-h" className="card" data-testid="pending-drafts">
      <h2 id="pending-drafts-h">Drafts waiting for approval</h2>
      {loading && <Loading what="pending drafts" />}
      <ErrorBox error={error} />
      {data && data.drafts.length === 0 && <p className="muted">None.</p>}
      {data && data.drafts.length > 0 && (
        <ul>
          {data.drafts.map((d) => (
            <li key={d.id}>
              <Link to={`/rules/drafts/${encodeURIComponent(d.id)}`}>{d.id}</Link> ({d.version}) by {d.requestedBy} at{' '}
              {fmtTime(d.requestedAt)}: {d.sensitive.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SimulationNote({ sim }: { sim: SimulationSummary }) {
  return (
    <section aria-labelledby="draft-sim-h" data-testid="draft-simulation">
      <h3 id="draft-sim-h">Simulation over recent leads</h3>
      <p>
        {sim.replayed} leads replayed.{' '}
        {sim.replayed === 0 ? 'No recorded leads to replay.' : sim.unchanged ? <strong>No decision would change.</strong> : null}
      </p>
      <ul>
        {Object.entries(sim.counts).map(([bucket, n]) => (
          <li key={bucket}>
            {bucket}: {n}
          </li>
        ))}
      </ul>
      <p>
        {Object.entries(sim.outcomes).map(([o, c]) => (
          <span key={o}>
            <Badge tone={outcomeTone(o)}>{o}</Badge> {c.recorded} → {c.simulated}{' '}
          </span>
        ))}
      </p>
    </section>
  );
}

function DecisionPanel({ draft, me, approverRoles, onDone }: { draft: Draft; me: Me; approverRoles: string[]; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const isMaker = me.userId === draft.requestedBy;
  const mayApprove = !isMaker && me.roles.some((r) => approverRoles.includes(r));
  const act = async (what: 'approve' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      await post(`/v1/org/drafts/${encodeURIComponent(draft.id)}/${what}`, what === 'reject' ? { reason } : {});
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (draft.status !== 'pending_approval') return null;
  return (
    <section aria-labelledby="draft-decide-h" className="card">
      <h3 id="draft-decide-h">Decision</h3>
      {!mayApprove && (
        <p className="muted" data-testid="not-approver">
          {isMaker ? 'You made this draft: a second person must approve it.' : `Approving needs one of: ${approverRoles.join(', ')}.`}
        </p>
      )}
      {mayApprove && (
        <button type="button" disabled={busy} onClick={() => void act('approve')}>
          Approve and publish
        </button>
      )}
      {(mayApprove || isMaker) && (
        <form onSubmit={(e) => (e.preventDefault(), void act('reject'))}>
          <label htmlFor="draft-reject-reason">{isMaker ? 'Reason for withdrawing' : 'Reason for rejection'}</label>
          <textarea id="draft-reject-reason" rows={2} required value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" className="danger" disabled={busy}>
            {isMaker ? 'Withdraw' : 'Reject'}
          </button>
        </form>
      )}
      <ErrorBox error={error} title="Refused" />
    </section>
  );
}

function DraftHeader({ draft }: { draft: Draft }) {
  return (
    <dl className="facts" data-testid="draft-header">
      <dt>Status</dt>
      <dd>
        <Badge tone={STATUS_TONE[draft.status]}>{draft.status}</Badge> ({draft.classification})
      </dd>
      <dt>Asked by</dt>
      <dd>
        {draft.requestedBy} at {fmtTime(draft.requestedAt)}
        {draft.reason ? `: ${draft.reason}` : ''}
      </dd>
      <dt>Needs a second person because</dt>
      <dd>{draft.sensitive.length ? draft.sensitive.join('; ') : 'it does not (a roster edit)'}</dd>
      <dt>Against</dt>
      <dd>
        <code className="hash">{draft.baseHash}</code>
      </dd>
      {draft.decidedBy && (
        <>
          <dt>Decided</dt>
          <dd>
            {draft.decidedBy} at {fmtTime(draft.decidedAt)}
            {draft.decisionReason ? `: ${draft.decisionReason}` : ''}
          </dd>
        </>
      )}
    </dl>
  );
}

export function OrgDraftPage({ id, me }: { id: string; me: Me }) {
  const { data, error, loading, reload } = useAsync(async () => {
    const [draft, org] = await Promise.all([get<Draft>(`/v1/org/drafts/${encodeURIComponent(id)}`), get<OrgConfigView>('/v1/org')]);
    const access = (org.config as { access?: { makerChecker?: { approverRoles?: string[] } } }).access;
    return { draft, approverRoles: access?.makerChecker?.approverRoles ?? ['compliance'] };
  }, [id]);
  return (
    <Page title={`Draft org version ${id}`}>
      <p>
        <Link to="/rules">Back to rules</Link>
      </p>
      {loading && <Loading what="the draft" />}
      <ErrorBox error={error} />
      {data && (
        <>
          <DraftHeader draft={data.draft} />
          <DecisionPanel draft={data.draft} me={me} approverRoles={data.approverRoles} onDone={reload} />
          <ConfigDiff diff={data.draft.diff} />
          <SimulationNote sim={data.draft.simulation} />
        </>
      )}
    </Page>
  );
}
