import { useState } from 'react';
import { ApiError, get, hasOperation, post, repOnly, type Me } from '../api.ts';
import { Badge, downloadJson, ErrorBox, fmtTime, Loading, outcomeTone, Page, useAsync } from '../components/common.tsx';
import { CandidateTable, Reasons } from '../components/Eligibility.tsx';
import { LeadOutcomes } from '../components/outcomes/LeadOutcomes.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { Link } from '../router.tsx';
import type { LeadDetail } from '../types.ts';

interface StoryEntry {
  seq: number;
  kind: string;
  actor: string;
  at: string;
  payload: unknown;
  entryHash?: string;
  inclusion?: unknown;
}
interface Story {
  format?: string;
  entries?: StoryEntry[];
  integrity?: { verified: boolean; problems: { seq: number | null; code: string; detail: string }[]; method?: string };
  checkpoint?: { treeSize?: number; rootHash?: string; keyId?: string };
}

export function LeadStoryPage({ id, me }: { id: string; me: Me }) {
  const { data, error, loading } = useAsync(async () => {
    const lead = await get<LeadDetail>(`/v1/leads/${encodeURIComponent(id)}`);
    // The audit story (with proofs) is for admin/ops/compliance; reps see their lead's recorded history.
    const storyAvailable = me.role !== 'rep' && (await hasOperation('get', '/v1/leads/{id}/story'));
    let story: Story | null = null;
    let storyError: unknown = null;
    if (storyAvailable) {
      try {
        story = await get<Story>(`/v1/leads/${encodeURIComponent(id)}/story`);
      } catch (e) {
        storyError = e;
      }
    }
    return { lead, storyAvailable, story, storyError };
  }, [id]);

  return (
    <Page title={`Lead story ${id}`}>
      <p>
        <Link to="/leads">← {repOnly(me) ? 'My leads' : 'All leads'}</Link>
      </p>
      {loading && <Loading what="the lead story" />}
      {error instanceof ApiError && error.status === 404 ? (
        <div className="notice" role="alert">
          <p>
            No lead <code>{id}</code>
            {repOnly(me) ? ' among the leads assigned to you' : ''}.
          </p>
        </div>
      ) : (
        <ErrorBox error={error} />
      )}
      {data && <StoryBody {...data} me={me} />}
    </Page>
  );
}

type StoryProps = { lead: LeadDetail; storyAvailable: boolean; story: Story | null; storyError: unknown; me: Me };

/** Whether the lead's audit trail verifies, why it cannot be checked yet, and the exports. */
function IntegritySection({ lead, storyAvailable, story, storyError, me }: StoryProps) {
  const integrity = story?.integrity;
  const notSealedYet = storyError instanceof ApiError && storyError.status === 404;
  return (
    <section aria-labelledby="integrity-h" className="card">
      <h2 id="integrity-h">Integrity check</h2>
      {!storyAvailable && repOnly(me) && (
        <p className="notice" data-testid="integrity">
          The audit-trail story with its integrity proof is available to the admin, ops and compliance roles. Below is the lead&apos;s
          recorded history.
        </p>
      )}
      {!storyAvailable && me.role !== 'rep' && (
        <p className="notice" data-testid="integrity">
          Not available on this server: it does not provide <code>GET /v1/leads/{'{id}'}/story</code> (the audit-trail story with inclusion
          proofs). The history below is the lead&apos;s recorded event log without a proof.
        </p>
      )}
      {notSealedYet && (
        <p className="notice" data-testid="integrity">
          This lead&apos;s entries are not in the sealed audit log yet (the sealer adds new entries every few seconds). Reload the page
          shortly for the integrity check.
        </p>
      )}
      {storyAvailable && storyError && !notSealedYet ? <ErrorBox error={storyError} title="The story endpoint failed" /> : null}
      {integrity && (
        <div data-testid="integrity" className={integrity.verified ? 'success' : 'error'} role="status">
          <p>
            {integrity.verified ? <Badge tone="good">verified</Badge> : <Badge tone="bad">NOT verified</Badge>}{' '}
            {integrity.verified
              ? `Every entry of this lead's audit trail hashes to its sealed value and is included in the signed ` +
                `checkpoint${story?.checkpoint?.treeSize ? ` (tree size ${story.checkpoint.treeSize})` : ''}.`
              : `${integrity.problems.length} problem(s) found.`}
          </p>
          {integrity.problems.length > 0 && (
            <ul>
              {integrity.problems.map((p, i) => (
                <li key={i}>
                  {p.seq !== null ? `entry ${p.seq}: ` : ''}
                  <code>{p.code}</code> {p.detail}
                </li>
              ))}
            </ul>
          )}
          {integrity.method && (
            <details>
              <summary>How to check it independently</summary>
              <p>{integrity.method}</p>
            </details>
          )}
        </div>
      )}
      <div className="actions">
        {story ? (
          <button type="button" onClick={() => downloadJson(`lead-story-${lead.id}.json`, story)}>
            Download JSON export (with proofs)
          </button>
        ) : (
          <button type="button" onClick={() => downloadJson(`lead-${lead.id}.json`, lead)}>
            Download lead record (JSON, no proof)
          </button>
        )}
        {storyAvailable && (
          <a className="button secondary" href={`/v1/leads/${encodeURIComponent(lead.id)}/story`} target="_blank" rel="noopener">
            Readable report (HTML, opens a new tab)
          </a>
        )}
      </div>
      {(me.roles.includes('admin') || me.roles.includes('compliance')) && <VerifyLog />}
    </section>
  );
}

/** The recorded decision: outcome, rule set and rule, constraints, reasons and candidates. */
function DecisionSection({ d }: { d: NonNullable<LeadDetail['decision']> }) {
  return (
    <section aria-labelledby="decision-h" className="card">
      <h2 id="decision-h">How it was decided</h2>
      <p>{d.summary}</p>
      <dl className="facts">
        <dt>Outcome</dt>
        <dd>
          <Badge tone={outcomeTone(d.outcome)}>{d.outcome}</Badge>
        </dd>
        <dt>Rule set</dt>
        <dd>
          {d.ruleSet.version} <code className="hash">{d.ruleSet.hash.slice(0, 23)}…</code>
        </dd>
        <dt>Rule fired</dt>
        <dd>{d.rule ? `${d.rule.id}${d.rule.description ? ` — ${d.rule.description}` : ''}` : '—'}</dd>
        <dt>Constraints</dt>
        <dd>
          jurisdiction {d.constraints.jurisdiction}; product {d.constraints.product?.id ?? '—'} (
          {d.constraints.product?.productLines.join(', ') ?? '—'}); customer type {d.constraints.customerType.effective}; screening{' '}
          {d.constraints.screening.status}
        </dd>
        <dt>Chosen by</dt>
        <dd>{d.strategy?.chosenBy ?? '—'}</dd>
        {d.licensing && (
          <>
            <dt>Licensing</dt>
            <dd data-testid="licensing">
              {d.licensing.status} — <code>{d.licensing.code}</code> {d.licensing.detail}
            </dd>
          </>
        )}
      </dl>
      <h3>Reasons</h3>
      <Reasons reasons={d.reasons} />
      <CandidateTable decision={d} />
    </section>
  );
}

function StoryBody({ lead, storyAvailable, story, storyError, me }: StoryProps) {
  const d = lead.decision;
  return (
    <>
      <IntegritySection lead={lead} storyAvailable={storyAvailable} story={story} storyError={storyError} me={me} />

      <section aria-labelledby="lead-h" className="card">
        <h2 id="lead-h">The lead</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <Badge tone={outcomeTone(lead.status)}>{lead.status}</Badge>
          </dd>
          <dt>Assigned to</dt>
          <dd data-testid="assigned-to">{lead.teamId ? `${lead.teamId} / ${lead.repId ?? '—'}` : '—'}</dd>
          <dt>Received</dt>
          <dd>{fmtTime(lead.receivedAt)}</dd>
          <dt>Org version</dt>
          <dd>
            <code className="hash">{lead.orgHash.slice(0, 23)}…</code>
          </dd>
          {lead.openReview && (
            <>
              <dt>Open review</dt>
              <dd>
                <Link to={`/review/${encodeURIComponent(lead.openReview.id)}`}>{lead.openReview.id}</Link> ({lead.openReview.kind})
              </dd>
            </>
          )}
        </dl>
      </section>

      {d && <DecisionSection d={d} />}

      <section aria-labelledby="outcome-h" className="card">
        <h2 id="outcome-h">Commercial outcome</h2>
        {/* Who records: the lead's rep (a rep sees only their own leads), ops and admin; compliance only reads. */}
        <LeadOutcomes leadId={lead.id} canRecord={me.roles.some((r) => r === 'rep' || r === 'ops' || r === 'admin')} heading={false} />
      </section>

      <section aria-labelledby="timeline-h" className="card">
        <h2 id="timeline-h">Timeline</h2>
        <Timeline events={lead.history} />
      </section>

      {story?.entries && (
        <section aria-labelledby="audit-h" className="card">
          <h2 id="audit-h">Audit trail entries</h2>
          <ol className="timeline" aria-label="Audit entries in log order">
            {story.entries.map((e) => (
              <li key={e.seq} data-kind={e.kind}>
                <div className="tl-head">
                  <time dateTime={e.at}>{fmtTime(e.at)}</time>{' '}
                  <strong>
                    #{e.seq} {e.kind}
                  </strong>{' '}
                  <span className="muted">by {e.actor}</span>
                  {e.inclusion ? <Badge tone="good">proof</Badge> : <Badge tone="muted">not yet checkpointed</Badge>}
                </div>
                <p>
                  {typeof e.payload === 'object' && e.payload && 'action' in e.payload
                    ? String((e.payload as { action: unknown }).action)
                    : e.kind}
                </p>
                <details>
                  <summary>Entry payload and hash</summary>
                  <pre>{JSON.stringify({ entryHash: e.entryHash, payload: e.payload }, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}

/** Whole-log verification (POST /v1/audit/verify): detects any edit, deletion or reordering. */
function VerifyLog() {
  const [state, setState] = useState<{ busy: boolean; report: Record<string, unknown> | null; error: unknown }>({
    busy: false,
    report: null,
    error: null,
  });
  const run = async () => {
    setState({ busy: true, report: null, error: null });
    try {
      setState({ busy: false, report: await post<Record<string, unknown>>('/v1/audit/verify', {}), error: null });
    } catch (error) {
      setState({ busy: false, report: null, error });
    }
  };
  const ok = state.report && (state.report.ok === true || state.report.valid === true || state.report.verified === true);
  return (
    <div className="verify">
      <button type="button" className="secondary" onClick={() => void run()} disabled={state.busy}>
        {state.busy ? 'Verifying the whole audit log…' : 'Verify the whole audit log'}
      </button>
      <ErrorBox error={state.error} title="Verification failed to run" />
      {state.report && (
        <div role="status" className={ok ? 'success' : 'notice'}>
          <p>{ok ? 'The audit log verifies against its signed checkpoints.' : 'See the verification report below.'}</p>
          <details>
            <summary>Verification report</summary>
            <pre>{JSON.stringify(state.report, null, 2)}</pre>
          </details>
        </div>
      )}
    </div>
  );
}
