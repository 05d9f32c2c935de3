import { useState } from 'react';
import type { Channel } from '../../../../src/domain/conduct/rule-pack.schema.ts';
import { ApiError, post } from '../../api.ts';
import { ErrorBox, fmtTime } from '../common.tsx';
import { explainOutreach } from './explain.ts';

const CHANNELS: readonly Channel[] = ['call', 'email', 'sms', 'letter', 'whatsapp'];

interface RuleVerdict {
  readonly id: string;
  readonly result: string;
  readonly reasonCode: string;
  readonly detail: string;
}
interface GateAnswer {
  readonly decision: 'allow' | 'deny';
  readonly rules: readonly RuleVerdict[];
  readonly nextAllowedAt: string | null;
  readonly alerts?: readonly { readonly code?: string; readonly message?: string; readonly detail?: string }[];
}

/** The gate's answer in words: allowed or not, each failed rule with its reason explained, and when it may happen. */
function GateVerdict({ answer }: { answer: GateAnswer }) {
  const failed = answer.rules.filter((r) => r.result === 'fail');
  return (
    <div className={answer.decision === 'allow' ? 'success' : 'error'} role="status" data-testid="outreach-verdict">
      <p>
        <strong>{answer.decision === 'allow' ? 'Allowed now.' : 'Not allowed.'}</strong>{' '}
        {answer.decision === 'deny' &&
          (answer.nextAllowedAt ? `Earliest allowed: ${fmtTime(answer.nextAllowedAt)}.` : 'Waiting will not make it allowed.')}
      </p>
      {failed.length > 0 && (
        <ul>
          {failed.map((r) => (
            <li key={r.id}>
              <code>{r.id}</code> <code>{r.reasonCode}</code> — {explainOutreach(r.reasonCode)} {r.detail}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type Result = { kind: 'check'; answer: GateAnswer } | { kind: 'logged'; text: string } | { kind: 'error'; error: unknown };

/** Check the outreach gate before contacting (POST …/outreach-check), then log the contact (POST …/outreach). */
export function OutreachPanel({ leadId, onLogged }: { leadId: string; onLogged: () => void }) {
  const [channel, setChannel] = useState<Channel>('call');
  const [templateId, setTemplateId] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const body = { channel, ...(templateId.trim() ? { templateId: templateId.trim() } : {}) };
  const run = async (kind: 'check' | 'log') => {
    setBusy(true);
    setResult(null);
    try {
      const base = `/v1/leads/${encodeURIComponent(leadId)}`;
      if (kind === 'check') setResult({ kind: 'check', answer: await post<GateAnswer>(`${base}/outreach-check`, body) });
      else {
        const r = await post<{ at: string; firstContact: boolean }>(`${base}/outreach`, body);
        setResult({ kind: 'logged', text: `${channel} logged at ${fmtTime(r.at)}${r.firstContact ? ' (first contact)' : ''}.` });
        onLogged();
      }
    } catch (error) {
      const denied = error instanceof ApiError && error.body.code === 'OUTREACH_DENIED';
      setResult(denied ? { kind: 'check', answer: error.body as unknown as GateAnswer } : { kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`outreach-${leadId}`}>
      <h3 id={`outreach-${leadId}`}>Contact</h3>
      <form className="form" onSubmit={(e) => e.preventDefault()} aria-label="Outreach">
        <label htmlFor={`channel-${leadId}`}>Channel</label>
        <select id={`channel-${leadId}`} value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <label htmlFor={`template-${leadId}`}>Approved promotion / template id (optional)</label>
        <input id={`template-${leadId}`} type="text" value={templateId} onChange={(e) => setTemplateId(e.target.value)} />
        <div className="actions">
          <button type="button" className="secondary" disabled={busy} onClick={() => void run('check')}>
            Check outreach
          </button>
          <button type="button" disabled={busy} onClick={() => void run('log')}>
            Log contact
          </button>
        </div>
      </form>
      {result?.kind === 'check' && <GateVerdict answer={result.answer} />}
      {result?.kind === 'logged' && (
        <p className="success" role="status">
          {result.text}
        </p>
      )}
      {result?.kind === 'error' && <ErrorBox error={result.error} title="Not recorded" />}
    </section>
  );
}
