import { useState, type FormEvent } from 'react';
import { post } from '../../api.ts';
import { Badge, ErrorBox, outcomeTone } from '../common.tsx';
import { announceRosterChanged, type RosterRep } from './roster-types.ts';

interface Counts {
  readonly leads: number;
  readonly assigned: number;
  readonly queued: number;
  readonly refused: number;
  readonly held: number;
  readonly nurture: number;
  readonly skipped: number;
}
interface Move {
  readonly leadId: string;
  readonly to: string | null;
  readonly toTeam: string | null;
  readonly outcome: string;
  readonly reasonCodes: readonly string[];
}
type Answer =
  | { kind: 'preview'; counts: Counts; items: readonly Move[] }
  | {
      kind: 'operation';
      reassignment: { id: string; status: string; counts: Counts; startedAt: string; finishedAt: string | null };
      items: readonly (Move & { seq: number })[];
    };

const countsText = (c: Counts) =>
  `${c.leads} lead(s): ${c.assigned} assigned, ${c.queued} queued, ${c.refused} refused, ${c.held} held, ${c.nurture} nurture` +
  (c.skipped ? `, ${c.skipped} skipped` : '');

function MovesTable({ caption, items }: { caption: string; items: readonly Move[] }) {
  if (items.length === 0) return <p>No open lead to move.</p>;
  return (
    <table className="data" data-testid="reassign-moves">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Lead</th>
          <th scope="col">Outcome</th>
          <th scope="col">New rep</th>
          <th scope="col">Team</th>
          <th scope="col">Reasons</th>
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={m.leadId}>
            <th scope="row">
              <code>{m.leadId}</code>
            </th>
            <td>
              <Badge tone={outcomeTone(m.outcome)}>{m.outcome}</Badge>
            </td>
            <td>{m.to ?? '— (not assigned)'}</td>
            <td>{m.toTeam ?? '—'}</td>
            <td>{m.reasonCodes.join(', ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ResultView({ result, name }: { result: Extract<Answer, { kind: 'operation' }>; name: string }) {
  return (
    <div className="success" data-testid="reassign-result">
      <p role="status">
        Reassignment <code>{result.reassignment.id}</code> {result.reassignment.status}: {countsText(result.reassignment.counts)}.
      </p>
      <MovesTable caption={`Where ${name}'s open leads went`} items={result.items} />
    </div>
  );
}

/** "Move open leads…": a dry run first (POST /v1/reassignments {dryRun: true}), then the audited operation. */
export function ReassignPanel({ rep, onDone }: { rep: RosterRep; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<Extract<Answer, { kind: 'preview' }> | null>(null);
  const [result, setResult] = useState<Extract<Answer, { kind: 'operation' }> | null>(null);
  const [busy, setBusy] = useState<'preview' | 'run' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const call = async (dryRun: boolean) => {
    setBusy(dryRun ? 'preview' : 'run');
    setError(null);
    try {
      const answer = await post<Answer>('/v1/reassignments', { fromRepId: rep.id, reason, dryRun });
      if (answer.kind === 'preview') {
        setPreview(answer);
        setResult(null);
      } else {
        setResult(answer);
        setPreview(null);
        announceRosterChanged();
        onDone();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const id = `reassign-${rep.id}`;
  return (
    <section aria-labelledby={`${id}-h`} className="card" data-testid="reassign-panel">
      <h3 id={`${id}-h`}>Move {rep.name}'s open leads</h3>
      <p className="muted">
        Every open lead is re-decided by the engine with {rep.name} excluded: it goes only to a rep eligible now, or is queued or refused.
        Preview first; nothing is written until you press Reassign.
      </p>
      <form
        className="form"
        aria-label={`Reassign ${rep.name}'s open leads`}
        onSubmit={(e: FormEvent) => (e.preventDefault(), void call(true))}
      >
        <label htmlFor={`${id}-reason`}>
          Reason (kept in the audit trail) <span className="required">required</span>
        </label>
        <input
          id={`${id}-reason`}
          type="text"
          required
          minLength={3}
          maxLength={4000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <div>
          <button type="submit" disabled={busy !== null || reason.trim().length < 3}>
            {busy === 'preview' ? 'Previewing…' : 'Preview'}
          </button>{' '}
          <button
            type="button"
            className="danger"
            disabled={busy !== null || !preview || reason.trim().length < 3}
            onClick={() => void call(false)}
          >
            {busy === 'run' ? 'Reassigning…' : 'Reassign'}
          </button>
        </div>
      </form>
      {busy === 'run' && <p role="status">Reassigning in batches of up to 50 leads…</p>}
      {preview && (
        <div data-testid="reassign-preview">
          <p role="status">Preview (nothing written): {countsText(preview.counts)}.</p>
          <MovesTable caption={`Preview: where ${rep.name}'s open leads would go`} items={preview.items} />
        </div>
      )}
      {result && <ResultView result={result} name={rep.name} />}
      <ErrorBox error={error} title="Could not reassign" />
    </section>
  );
}
