import { useState } from 'react';
import { userTargetsFrom } from '../../../../src/domain/lifecycle/lifecycle-targets.ts';
import { post } from '../../api.ts';
import { ErrorBox } from '../common.tsx';
import { explainTransitionRefusal } from './explain.ts';

const LABELS: Readonly<Record<string, string>> = { ACCEPTED: 'Accept' };

/** One button per move the lifecycle allows from the lead's status; a refusal (cooling-off …) is explained in words. */
export function TransitionButtons({ leadId, status, onMoved }: { leadId: string; status: string; onMoved: () => void }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ done?: string; error?: unknown } | null>(null);
  const targets = userTargetsFrom(status);
  const move = async (to: string) => {
    setBusy(true);
    setOutcome(null);
    try {
      await post(`/v1/leads/${encodeURIComponent(leadId)}/transitions`, { to });
      setOutcome({ done: `Moved to ${to}.` });
      onMoved();
    } catch (error) {
      setOutcome({ error });
    } finally {
      setBusy(false);
    }
  };
  const explained = outcome?.error ? explainTransitionRefusal(outcome.error) : null;
  return (
    <section aria-labelledby={`moves-${leadId}`}>
      <h3 id={`moves-${leadId}`}>Lifecycle</h3>
      {targets.length === 0 ? (
        <p className="muted">No move is open to you from {status}.</p>
      ) : (
        <div className="actions" role="group" aria-label="Lifecycle moves">
          {targets.map((t) => (
            <button
              key={t}
              type="button"
              className={t === 'ACCEPTED' ? undefined : 'secondary'}
              disabled={busy}
              onClick={() => void move(t)}
            >
              {LABELS[t] ?? `Move to ${t}`}
            </button>
          ))}
        </div>
      )}
      {outcome?.done && (
        <p className="success" role="status">
          {outcome.done}
        </p>
      )}
      {explained ? (
        <p className="error" role="alert" data-testid="transition-blocked">
          {explained}
        </p>
      ) : (
        <ErrorBox error={outcome?.error} title="Move refused" />
      )}
    </section>
  );
}
