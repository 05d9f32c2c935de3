import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api.ts';
import { ErrorBox } from '../common.tsx';
import { announceRosterChanged, type RosterChangeAnswer, type RosterRep } from './roster-types.ts';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** PATCH /v1/reps/:repId with the version read (409 if someone changed the roster meanwhile); shows the new version and its diff. */
function usePatch(rep: RosterRep, hash: string, onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<RosterChangeAnswer | null>(null);
  const patch = async (body: Record<string, unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await api<RosterChangeAnswer>('PATCH', `/v1/reps/${encodeURIComponent(rep.id)}`, { ...body, expectedVersion: hash }));
      announceRosterChanged();
      onDone();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, patch };
}

function Outcome({ done, error, title }: { done: RosterChangeAnswer | null; error: unknown; title: string }) {
  return (
    <>
      {done && (
        <div className="success" role="status" aria-live="polite" data-testid="roster-change-result">
          {done.changed ? (
            <>
              <p>
                Published org version <code>{done.version}</code> <code className="hash">{done.hash}</code>.
              </p>
              <ul>
                {done.diff.map((d) => (
                  <li key={d.path}>
                    <code>{d.path}</code>: {show(d.before)} → {show(d.after)}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>Nothing changed: the roster already says so.</p>
          )}
        </div>
      )}
      <ErrorBox error={error} title={title} />
    </>
  );
}

function ReasonField({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  return (
    <>
      <label htmlFor={id}>
        Reason (kept with the version and in the audit trail) <span className="required">required</span>
      </label>
      <input id={id} type="text" required maxLength={2000} value={value} onChange={(e) => onChange(e.target.value)} />
    </>
  );
}

function EditForm({ label, onSubmit, children }: { label: string; onSubmit: () => void; children: ReactNode }) {
  return (
    <form
      className="form"
      aria-label={label}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** Pause, resume or mark left: a status change with a reason. */
export function StatusForm({ rep, hash, onDone }: { rep: RosterRep; hash: string; onDone: () => void }) {
  const [status, setStatus] = useState<string>(rep.status === 'active' ? 'paused' : 'active');
  const [reason, setReason] = useState('');
  const { busy, error, done, patch } = usePatch(rep, hash, onDone);
  const id = `status-${rep.id}`;
  return (
    <EditForm label={`Status of ${rep.name}`} onSubmit={() => void patch({ status, reason }).then((ok) => ok && setReason(''))}>
      <label htmlFor={`${id}-status`}>New status</label>
      <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)}>
        <option value="active">active (resume)</option>
        <option value="paused">paused</option>
        <option value="left">left the firm</option>
      </select>
      <ReasonField id={`${id}-reason`} value={reason} onChange={setReason} />
      <button type="submit" disabled={busy || reason.trim() === ''}>
        Change status
      </button>
      <Outcome done={done} error={error} title={`Could not change ${rep.name}'s status`} />
    </EditForm>
  );
}

/** Adds one out-of-office period (whole days, in the rep's time zone, `to` inclusive). */
export function OutOfOfficeForm({ rep, hash, onDone }: { rep: RosterRep; hash: string; onDone: () => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, done, patch } = usePatch(rep, hash, onDone);
  const id = `ooo-${rep.id}`;
  const submit = () =>
    void patch({ outOfOffice: { add: [{ from, to, ...(note.trim() ? { reason: note.trim() } : {}) }] }, reason }).then(
      (ok) => ok && (setFrom(''), setTo(''), setNote(''), setReason('')),
    );
  return (
    <EditForm label={`Add out of office for ${rep.name}`} onSubmit={submit}>
      <label htmlFor={`${id}-from`}>From (first day)</label>
      <input id={`${id}-from`} type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />
      <label htmlFor={`${id}-to`}>To (last day, inclusive)</label>
      <input id={`${id}-to`} type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
      <label htmlFor={`${id}-note`}>What (shown on the roster, optional)</label>
      <input id={`${id}-note`} type="text" maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} />
      <ReasonField id={`${id}-reason`} value={reason} onChange={setReason} />
      <button type="submit" disabled={busy || !from || !to || reason.trim() === ''}>
        Add out of office
      </button>
      <Outcome done={done} error={error} title={`Could not add out of office for ${rep.name}`} />
    </EditForm>
  );
}

const capOf = (s: string): number | null => (s.trim() === '' ? null : Number(s));

/** Caps (blank: no cap) and round-robin weight. */
export function CapacityForm({ rep, hash, onDone }: { rep: RosterRep; hash: string; onDone: () => void }) {
  const [open, setOpen] = useState(rep.capacity.maxOpenLeads?.toString() ?? '');
  const [daily, setDaily] = useState(rep.capacity.maxLeadsPerDay?.toString() ?? '');
  const [weight, setWeight] = useState(String(rep.weight));
  const [reason, setReason] = useState('');
  const { busy, error, done, patch } = usePatch(rep, hash, onDone);
  const id = `cap-${rep.id}`;
  const submit = () =>
    void patch({ capacity: { maxOpenLeads: capOf(open), maxLeadsPerDay: capOf(daily) }, weight: Number(weight), reason }).then(
      (ok) => ok && setReason(''),
    );
  return (
    <EditForm label={`Capacity and weight of ${rep.name}`} onSubmit={submit}>
      <label htmlFor={`${id}-open`}>Most open leads (blank: no cap)</label>
      <input id={`${id}-open`} type="number" min={1} step={1} value={open} onChange={(e) => setOpen(e.target.value)} />
      <label htmlFor={`${id}-daily`}>Most leads per day (blank: no cap)</label>
      <input id={`${id}-daily`} type="number" min={1} step={1} value={daily} onChange={(e) => setDaily(e.target.value)} />
      <label htmlFor={`${id}-weight`}>Round-robin weight</label>
      <input
        id={`${id}-weight`}
        type="number"
        min={0.01}
        max={1000}
        step="any"
        required
        value={weight}
        onChange={(e) => setWeight(e.target.value)}
      />
      <ReasonField id={`${id}-reason`} value={reason} onChange={setReason} />
      <button type="submit" disabled={busy || reason.trim() === ''}>
        Save capacity and weight
      </button>
      <Outcome done={done} error={error} title={`Could not change ${rep.name}'s capacity`} />
    </EditForm>
  );
}
