import { useRef, useState, type FormEvent } from 'react';
import { ApiError, get, post, type Me } from '../api.ts';
import { Badge, ErrorBox, fmtTime, Loading, outcomeTone, Page, useAsync } from '../components/common.tsx';
import { CandidateTable, Reasons } from '../components/Eligibility.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { Link } from '../router.tsx';
import type { Decision, LeadDetail, OrgConfigView, Reason, Review, ScreeningHit } from '../types.ts';

interface ReviewView {
  review: Review;
  lead: { id: string; status: string; teamId: string | null; repId: string | null; lead: Record<string, unknown> } | null;
  decision: Decision | null;
  resolution: Record<string, unknown> | null;
}

interface ApprovalAnswer {
  review: Review;
  eligibility: { eligible: boolean; gate: Reason | null; team: { reasons: Reason[] } | null; rep: { reasons: Reason[] } | null };
  override: boolean;
}

export function ReviewDetail({ id, me }: { id: string; me: Me }) {
  const { data, error, loading, reload } = useAsync(async () => {
    const view = await get<ReviewView>(`/v1/review/${encodeURIComponent(id)}`);
    const [lead, org] = await Promise.all([
      get<LeadDetail>(`/v1/leads/${encodeURIComponent(view.review.leadId)}`).catch(() => null),
      get<OrgConfigView>('/v1/org'),
    ]);
    return { view, lead, org };
  }, [id]);

  return (
    <Page title={`Review ${id}`}>
      <p>
        <Link to="/review">← Back to the review queue</Link>
      </p>
      {loading && <Loading what="the review" />}
      <ErrorBox error={error} />
      {data && <ReviewBody {...data} me={me} onChanged={reload} />}
    </Page>
  );
}

/** Status, kind, lead, who asked and who decided, the decision's constraints, the four-eyes rule and why it is here. */
function ReviewSummary({ view, me, mine }: { view: ReviewView; me: Me; mine: boolean }) {
  const { review, decision } = view;
  return (
    <section aria-labelledby="summary-h" className="card">
      <h2 id="summary-h">Summary</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <Badge tone={outcomeTone(review.status)}>{review.status}</Badge>
        </dd>
        <dt>Kind</dt>
        <dd>
          <Badge tone={outcomeTone(review.kind)}>{review.kind}</Badge>
        </dd>
        <dt>Lead</dt>
        <dd>
          <Link to={`/leads/${encodeURIComponent(review.leadId)}`}>{review.leadId}</Link> (now {view.lead?.status ?? 'unknown'})
        </dd>
        <dt>Requested by</dt>
        <dd data-testid="requested-by">
          {review.requestedBy} at {fmtTime(review.requestedAt)}
        </dd>
        {review.decidedBy && (
          <>
            <dt>Decided by</dt>
            <dd>
              {review.decidedBy} at {fmtTime(review.decidedAt)}
            </dd>
          </>
        )}
        {decision && (
          <>
            <dt>Jurisdiction</dt>
            <dd>{decision.constraints.jurisdiction}</dd>
            <dt>Product</dt>
            <dd>
              {decision.constraints.product
                ? `${decision.constraints.product.id} (${decision.constraints.product.productLines.join(', ')})`
                : '—'}
            </dd>
            <dt>Customer type</dt>
            <dd>{decision.constraints.customerType.effective}</dd>
            <dt>Screening</dt>
            <dd>{decision.constraints.screening.status}</dd>
            <dt>Rule set</dt>
            <dd>
              {decision.ruleSet.version} <code className="hash">{decision.ruleSet.hash.slice(0, 19)}…</code>
            </dd>
          </>
        )}
      </dl>
      <p className="four-eyes" role="note">
        <strong>Four eyes:</strong> requested by <code>{review.requestedBy}</code>
        {review.requestedBy === 'system' ? ' (routing)' : ''}; you are <code>{me.keyId}</code>.{' '}
        {mine
          ? 'You requested this review, so another compliance officer must decide it — the API refuses your decision.'
          : 'The approver must differ from the requester.'}
      </p>
      {decision && (
        <>
          <h3>Why it is here</h3>
          <p>{decision.summary}</p>
          <Reasons reasons={decision.reasons} />
        </>
      )}
    </section>
  );
}

function ReviewBody({
  view,
  lead,
  org,
  me,
  onChanged,
}: {
  view: ReviewView;
  lead: LeadDetail | null;
  org: OrgConfigView;
  me: Me;
  onChanged: () => void;
}) {
  const { review, decision } = view;
  const mine = review.requestedBy === me.keyId;
  const canDecide = me.roles.includes('compliance') && review.status === 'OPEN';
  const screening = (view.lead?.lead.screening ?? null) as { status?: string } | null;
  const lastScreen = lead?.history.filter((e) => e.kind === 'screening' || e.kind === 'screening.rescreen').at(-1);
  const hits = ((lastScreen?.data.hits ?? []) as ScreeningHit[]).filter((h) => h && typeof h.listId === 'string');
  const awaitingDisposition = screening?.status === 'potential_match' || screening?.status === 'pep';
  // The API's answers outlive the forms (which disappear once the review is decided).
  const [answer, setAnswer] = useState<ApprovalAnswer | null>(null);
  const [disposed, setDisposed] = useState<string | null>(null);

  return (
    <>
      <ReviewSummary view={view} me={me} mine={mine} />

      {decision && (
        <section aria-labelledby="elig-h" className="card">
          <h2 id="elig-h">Candidate eligibility</h2>
          <CandidateTable decision={decision} />
        </section>
      )}

      {view.resolution && (
        <section aria-labelledby="res-h" className="card">
          <h2 id="res-h">Resolution</h2>
          <Resolution resolution={view.resolution} />
        </section>
      )}

      {answer && <ApprovalAnswerNote answer={answer} />}
      {disposed && (
        <p className="success" role="status">
          Dispositions recorded. The lead was re-decided: {disposed}.
        </p>
      )}
      {canDecide && awaitingDisposition && hits.length > 0 && (
        <Dispositions
          leadId={review.leadId}
          hits={hits}
          onDone={(outcome) => {
            setDisposed(outcome);
            onChanged();
          }}
        />
      )}
      {canDecide && (
        <ApproveForm
          review={review}
          org={org}
          decision={decision}
          onDone={(a) => {
            setAnswer(a);
            onChanged();
          }}
        />
      )}
      {canDecide && <RejectForm review={review} onDone={onChanged} />}
      {review.status === 'OPEN' && !me.roles.includes('compliance') && (
        <p className="notice" role="note">
          Only the compliance role can approve, reject or dispose screening hits. You are signed in as {me.roles.join(', ')}.
        </p>
      )}

      {lead && <LeadStory lead={lead} />}
    </>
  );
}

/** The API's answer to an approval: the eligibility re-check and whether it was recorded as an override. */
function ApprovalAnswerNote({ answer }: { answer: ApprovalAnswer }) {
  return (
    <div className="success" role="status" data-testid="approval-answer">
      <p>
        <strong>Approved.</strong> Eligibility re-check: {answer.eligibility.eligible ? 'eligible' : 'not eligible'}
        {answer.override ? ' — recorded as an override with your justification.' : '.'}
      </p>
      {!answer.eligibility.eligible && (
        <Reasons
          reasons={[
            answer.eligibility.gate,
            ...(answer.eligibility.team?.reasons ?? []),
            ...(answer.eligibility.rep?.reasons ?? []),
          ].filter((r): r is Reason => r !== null)}
        />
      )}
    </div>
  );
}

function LeadStory({ lead }: { lead: LeadDetail }) {
  return (
    <section aria-labelledby="story-h" className="card">
      <h2 id="story-h">Lead story</h2>
      <p>
        <Link to={`/leads/${encodeURIComponent(lead.id)}`}>Open the full lead story with its integrity check</Link>
      </p>
      <Timeline events={lead.history} />
    </section>
  );
}

function Resolution({ resolution }: { resolution: Record<string, unknown> }) {
  const r = resolution as {
    action?: string;
    teamId?: string;
    repId?: string;
    justification?: string | null;
    override?: boolean;
    reason?: string;
  };
  return (
    <dl className="facts" data-testid="resolution">
      <dt>Action</dt>
      <dd>{r.action}</dd>
      {r.teamId && (
        <>
          <dt>Assigned to</dt>
          <dd>
            {r.teamId} / {r.repId}
          </dd>
          <dt>Override</dt>
          <dd>{r.override ? <Badge tone="warn">yes — the assignment failed eligibility</Badge> : 'no'}</dd>
          <dt>Justification</dt>
          <dd>{r.justification ?? '—'}</dd>
        </>
      )}
      {r.reason && (
        <>
          <dt>Reason</dt>
          <dd>{r.reason}</dd>
        </>
      )}
    </dl>
  );
}

interface ApproveFormProps {
  review: Review;
  org: OrgConfigView;
  decision: Decision | null;
  onDone: (answer: ApprovalAnswer) => void;
}

function ApproveForm({ review, org, decision, onDone }: ApproveFormProps) {
  const teams = org.config.teams;
  const [teamId, setTeamId] = useState(decision?.candidates.find((t) => t.pass)?.id ?? teams[0]?.id ?? '');
  const reps = org.config.reps.filter((r) => r.team === teamId);
  const [repId, setRepId] = useState('');
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const justificationRef = useRef<HTMLTextAreaElement>(null);
  const needsJustification = error instanceof ApiError && error.body.code === 'JUSTIFICATION_REQUIRED';
  const repNow = reps.some((r) => r.id === repId) ? repId : (reps[0]?.id ?? '');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(
        await post<ApprovalAnswer>(`/v1/review/${encodeURIComponent(review.id)}/approve`, {
          teamId,
          repId: repNow,
          ...(justification.trim() ? { justification } : {}),
        }),
      );
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.body.code === 'JUSTIFICATION_REQUIRED') setTimeout(() => justificationRef.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="approve-h" className="card">
      <h2 id="approve-h">Approve a named assignment</h2>
      <p className="hint">
        Remit re-runs eligibility for the team and rep you name, now. If the assignment fails it, a written justification (10 characters or
        more) is required and the approval is flagged as an override.
      </p>
      <form onSubmit={(e) => void submit(e)} className="form">
        <label htmlFor="approve-team">Team</label>
        <select id="approve-team" value={teamId} onChange={(e) => setTeamId(e.target.value)} required>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.id})
            </option>
          ))}
        </select>
        <label htmlFor="approve-rep">Rep</label>
        <select id="approve-rep" value={repNow} onChange={(e) => setRepId(e.target.value)} required>
          {reps.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} ({r.id})
            </option>
          ))}
        </select>
        <AtDecisionTime decision={decision} teamId={teamId} repId={repNow} />
        <JustificationLabel needed={needsJustification} />
        <textarea
          id="approve-justification"
          ref={justificationRef}
          rows={3}
          value={justification}
          onChange={(e) => setJustification(e.target.value)}
          aria-invalid={needsJustification && justification.trim().length < 10}
        />
        <button type="submit" disabled={busy || !repNow}>
          {busy ? 'Approving…' : 'Approve assignment'}
        </button>
      </form>
      <ErrorBox error={error} title={needsJustification ? 'Eligibility re-check failed — justification required' : 'Approval refused'} />
    </section>
  );
}

/** What the recorded decision said about the chosen team and rep when the lead was decided. */
function AtDecisionTime({ decision, teamId, repId }: { decision: Decision | null; teamId: string; repId: string }) {
  const recorded = decision?.candidates.find((t) => t.id === teamId);
  const recordedRep = recorded?.reps.find((r) => r.id === repId);
  const codes = (reasons: readonly { code: string }[]) => reasons.map((r) => r.code).join(', ');
  const team = recorded ? `team ${recorded.pass ? 'passed' : `failed (${codes(recorded.reasons)})`}` : '';
  const rep = recordedRep ? `; rep ${recordedRep.eligible ? 'eligible' : `not eligible (${codes(recordedRep.reasons)})`}` : '';
  return (
    <p className="hint" aria-live="polite">
      At decision time: {recorded ? `${team}${rep}` : 'this team was not evaluated for the lead.'}
    </p>
  );
}

function JustificationLabel({ needed }: { needed: boolean }) {
  return (
    <label htmlFor="approve-justification">
      Justification{' '}
      {needed ? (
        <strong className="required">(required: the eligibility re-check failed)</strong>
      ) : (
        <span className="muted">(required when the assignment fails eligibility)</span>
      )}
    </label>
  );
}

function RejectForm({ review, onDone }: { review: Review; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(`/v1/review/${encodeURIComponent(review.id)}/reject`, { reason });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="reject-h" className="card">
      <h2 id="reject-h">Reject</h2>
      <form onSubmit={(e) => void submit(e)} className="form">
        <label htmlFor="reject-reason">Reason for rejection</label>
        <textarea id="reject-reason" rows={2} required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="submit" className="danger" disabled={busy || reason.trim().length < 3}>
          Reject lead
        </button>
      </form>
      <ErrorBox error={error} title="Rejection refused" />
    </section>
  );
}

function Dispositions({ leadId, hits, onDone }: { leadId: string; hits: ScreeningHit[]; onDone: (outcome: string) => void }) {
  const [values, setValues] = useState<Record<string, { verdict: '' | 'true_match' | 'false_positive'; reason: string }>>({});
  const [error, setError] = useState<unknown>(null);
  const key = (h: ScreeningHit) => `${h.listId}/${h.entryId}`;
  const set = (k: string, patch: Partial<{ verdict: '' | 'true_match' | 'false_positive'; reason: string }>) =>
    setValues((v) => ({ ...v, [k]: { verdict: '', reason: '', ...v[k], ...patch } }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const res = await post<{ decision: { outcome: string } }>(`/v1/leads/${encodeURIComponent(leadId)}/screening/dispositions`, {
        dispositions: hits.map((h) => ({
          listId: h.listId,
          entryId: h.entryId,
          verdict: values[key(h)]?.verdict || undefined,
          reason: values[key(h)]?.reason ?? '',
        })),
      });
      onDone(res.decision.outcome);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="disp-h" className="card">
      <h2 id="disp-h">Screening hits: disposition</h2>
      <p className="hint">
        Mark every potential match as a true match or a false positive, with a reason. All false positives clear the lead, which is then
        routed normally.
      </p>
      <form onSubmit={(e) => void submit(e)} className="form">
        {hits.map((h, i) => (
          <fieldset key={key(h)}>
            <legend>
              Hit {i + 1}: {h.matchedName} — list <code>{h.listId}</code>, entry <code>{h.entryId}</code>, score {h.score.toFixed(3)}
              {h.isSanctioned ? ' (sanctions)' : h.isPep ? ' (PEP)' : ''}
            </legend>
            <div className="radios">
              <label>
                <input
                  type="radio"
                  name={`verdict-${i}`}
                  value="true_match"
                  required
                  checked={values[key(h)]?.verdict === 'true_match'}
                  onChange={() => set(key(h), { verdict: 'true_match' })}
                />{' '}
                True match
              </label>
              <label>
                <input
                  type="radio"
                  name={`verdict-${i}`}
                  value="false_positive"
                  checked={values[key(h)]?.verdict === 'false_positive'}
                  onChange={() => set(key(h), { verdict: 'false_positive' })}
                />{' '}
                False positive
              </label>
            </div>
            <label htmlFor={`disp-reason-${i}`}>Reason</label>
            <input
              id={`disp-reason-${i}`}
              type="text"
              required
              minLength={3}
              value={values[key(h)]?.reason ?? ''}
              onChange={(e) => set(key(h), { reason: e.target.value })}
            />
          </fieldset>
        ))}
        <button type="submit">Record dispositions</button>
      </form>
      <ErrorBox error={error} title="Disposition refused" />
    </section>
  );
}
