import { useState, type FormEvent } from 'react';
import type { OutcomeKind } from '../../../../src/domain/outcomes/outcome-kind.ts';
import { ApiError, get, post } from '../../api.ts';
import type { LeadOutcome as LeadOutcomeRecord } from '../../types.ts';
import { Badge, ErrorBox, fmtTime, Loading, useAsync } from '../common.tsx';

const KINDS: readonly OutcomeKind[] = ['WON', 'LOST', 'DISQUALIFIED'];
const FIELDS = ['kind', 'value', 'currency', 'reasonCode', 'note'] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;

const kindTone = (k: OutcomeKind) => (k === 'WON' ? 'good' : k === 'LOST' ? 'bad' : 'muted');
const money = (o: LeadOutcomeRecord) =>
  o.value === null ? '—' : `${o.currency ?? ''} ${o.value.toLocaleString('en-GB', { maximumFractionDigits: 2 })}`.trim();

/**
 * The API's refusal at the field it names ("/body/value" → value): every field problem is shown next to its input; the
 * rest (a lead that is not yours, a server error) goes to the error box.
 */
function fieldErrors(error: unknown): { fields: FieldErrors; rest: unknown } {
  if (!(error instanceof ApiError)) return { fields: {}, rest: error };
  const fields: FieldErrors = {};
  for (const d of error.body.details) {
    const field = d.path?.replace(/^\/body\//, '').split('/')[0] as Field | undefined;
    if (field && FIELDS.includes(field)) fields[field] = fields[field] ? `${fields[field]}; ${d.message}` : d.message;
  }
  return Object.keys(fields).length > 0 ? { fields, rest: null } : { fields, rest: error };
}

/** The lead's outcomes, oldest first; the last is current and each earlier one is history it superseded. */
function OutcomeHistory({ leadId, outcomes }: { leadId: string; outcomes: readonly LeadOutcomeRecord[] }) {
  if (outcomes.length === 0) return <p data-testid={`outcomes-none-${leadId}`}>No outcome recorded yet.</p>;
  return (
    <table className="data" data-testid={`outcome-history-${leadId}`}>
      <caption>Outcome history, oldest first; the last one is current</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Outcome</th>
          <th scope="col">Value</th>
          <th scope="col">Reason</th>
          <th scope="col">Closed</th>
          <th scope="col">Recorded by</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {outcomes.map((o, i) => (
          <tr key={o.id} data-outcome={o.id} data-current={i === outcomes.length - 1}>
            <td>{o.seq}</td>
            <td>
              <Badge tone={kindTone(o.kind)}>{o.kind}</Badge> {i === outcomes.length - 1 ? '(current)' : '(superseded)'}
            </td>
            <td>{money(o)}</td>
            <td>
              <code>{o.reasonCode}</code>
            </td>
            <td>{fmtTime(o.closedAt)}</td>
            <td>
              {o.recordedBy} <span className="muted">({o.channel})</span>
            </td>
            <td>{o.note ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface Draft {
  kind: OutcomeKind;
  value: string;
  currency: string;
  reasonCode: string;
  note: string;
}
const EMPTY: Draft = { kind: 'WON', value: '', currency: '', reasonCode: '', note: '' };

/** The body as typed: blank fields are left out, the value is a number; the API alone decides what is valid. */
const bodyOf = (d: Draft) => ({
  kind: d.kind,
  reasonCode: d.reasonCode.trim(),
  ...(d.value.trim() === '' ? {} : { value: Number(d.value) }),
  ...(d.currency.trim() === '' ? {} : { currency: d.currency.trim() }),
  ...(d.note.trim() === '' ? {} : { note: d.note.trim() }),
});

function OutcomeForm({ leadId, onRecorded }: { leadId: string; onRecorded: () => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const id = (f: Field) => `outcome-${f}-${leadId}`;
  const set = (f: Field) => (e: { target: { value: string } }) => setDraft({ ...draft, [f]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    setDone(null);
    try {
      const r = await post<{ outcome: LeadOutcomeRecord; replayed: boolean }>(
        `/v1/leads/${encodeURIComponent(leadId)}/outcome`,
        bodyOf(draft),
      );
      setDone(r.replayed ? `Already recorded: ${r.outcome.kind} is the current outcome.` : `${r.outcome.kind} recorded.`);
      setDraft(EMPTY);
      onRecorded();
    } catch (error) {
      const { fields, rest } = fieldErrors(error);
      setErrors(fields);
      setFailure(rest);
    } finally {
      setBusy(false);
    }
  };
  /** A labelled input with its error right under it, tied to it for screen readers. */
  const input = (f: Exclude<Field, 'kind' | 'note'>, label: string, props: Record<string, string> = {}) => (
    <>
      <label htmlFor={id(f)}>{label}</label>
      <input
        id={id(f)}
        value={draft[f]}
        onChange={set(f)}
        aria-invalid={errors[f] !== undefined}
        aria-describedby={`${id(f)}-error`}
        {...props}
      />
      <FieldError id={`${id(f)}-error`} message={errors[f]} />
    </>
  );
  return (
    <form className="form" noValidate onSubmit={(e) => void submit(e)} aria-label={`Record the outcome of lead ${leadId}`}>
      <label htmlFor={id('kind')}>Outcome</label>
      <select id={id('kind')} value={draft.kind} onChange={set('kind')} aria-invalid={errors.kind !== undefined}>
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <FieldError id={`${id('kind')}-error`} message={errors.kind} />
      {input('value', 'Value (optional)', { type: 'number', step: 'any', inputMode: 'decimal' })}
      {input('currency', 'Currency (ISO 4217, with a value)', { maxLength: '3', placeholder: 'GBP' })}
      {input('reasonCode', 'Reason code', { placeholder: 'PRICE, COMPETITOR, NO_BUDGET …' })}
      <label htmlFor={id('note')}>Note (optional; erased with the lead)</label>
      <textarea id={id('note')} value={draft.note} onChange={set('note')} rows={2} aria-invalid={errors.note !== undefined} />
      <FieldError id={`${id('note')}-error`} message={errors.note} />
      <button type="submit" disabled={busy}>
        {busy ? 'Recording…' : 'Record outcome'}
      </button>
      {done && (
        <p className="success" role="status">
          {done}
        </p>
      )}
      <ErrorBox error={failure} title="Not recorded" />
    </form>
  );
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span id={id} className="field-error" role="alert" data-testid={id}>
      {message}
    </span>
  ) : null;
}

/**
 * A lead's outcome (docs/outcomes.md "Console"): its history and, for who may record it (the lead's rep, ops, admin —
 * the API decides), a form for WON / LOST / DISQUALIFIED with value, currency, reason code and note.
 */
export function LeadOutcomes({ leadId, canRecord, heading = true }: { leadId: string; canRecord: boolean; heading?: boolean }) {
  const { data, error, loading, reload } = useAsync(
    () => get<{ outcomes: LeadOutcomeRecord[] }>(`/v1/leads/${encodeURIComponent(leadId)}/outcomes`),
    [leadId],
  );
  return (
    <section aria-label={`Outcome of lead ${leadId}`} data-testid={`lead-outcomes-${leadId}`}>
      {heading && <h3>Outcome</h3>}
      {loading && !data && <Loading what="the outcome history" />}
      <ErrorBox error={error} />
      {data && <OutcomeHistory leadId={leadId} outcomes={data.outcomes} />}
      {canRecord && <OutcomeForm leadId={leadId} onRecorded={reload} />}
    </section>
  );
}
