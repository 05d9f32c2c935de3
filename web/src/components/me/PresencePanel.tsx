import { useEffect, useState, type FormEvent } from 'react';
import { api, get } from '../../api.ts';
import { Badge, ErrorBox, fmtTime, Loading, useAsync } from '../common.tsx';
import { PRESENCE_EVENT } from '../../heartbeat.ts';

interface Presence {
  readonly repId: string;
  readonly status: 'available' | 'away';
  readonly since: string | null;
  readonly until: string | null;
  readonly setBy: string | null;
  readonly reason: string | null;
}

/** What routing currently applies to the rep, in a sentence. */
function PresenceStatus({ p }: { p: Presence }) {
  const until = p.until ? `, until ${fmtTime(p.until)}` : ', until you mark yourself back';
  const auto = p.setBy === 'system' ? ' Your console was idle, so you were marked away automatically.' : '';
  const away = `since ${fmtTime(p.since)}${until}${p.reason ? ` (${p.reason})` : ''}: you get no new leads.${auto}`;
  return (
    <p data-testid="presence-status" role="status">
      <Badge tone={p.status === 'away' ? 'warn' : 'good'}>{p.status === 'away' ? 'Away' : 'Available'}</Badge>{' '}
      {p.status === 'away' ? away : 'You receive new leads.'}
    </p>
  );
}

/** The "away" form: optional end time and reason. datetime-local is read as the browser's local time. */
function AwayForm({ onSubmit, busy }: { onSubmit: (until: string, reason: string) => void; busy: boolean }) {
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(until, reason);
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Mark myself away">
      <label htmlFor="away-until">Away until (optional)</label>
      <input id="away-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
      <label htmlFor="away-reason">Reason (optional)</label>
      <input id="away-reason" type="text" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" disabled={busy}>
        Mark me away
      </button>
    </form>
  );
}

/** Away / back for the signed-in rep: PUT /v1/reps/{repId}/presence. */
export function PresencePanel({ repId }: { repId: string }) {
  const url = `/v1/reps/${encodeURIComponent(repId)}/presence`;
  const { data, error, loading, reload } = useAsync(() => get<Presence>(url), [url]);
  // The console's heartbeat answers with the presence now: an automatic away shows without a reload.
  const shown = data?.status;
  useEffect(() => {
    const onPresence = (e: Event) => {
      if (shown !== undefined && (e as CustomEvent<string>).detail !== shown) reload();
    };
    window.addEventListener(PRESENCE_EVENT, onPresence);
    return () => window.removeEventListener(PRESENCE_EVENT, onPresence);
  }, [shown, reload]);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const set = async (body: Record<string, string>) => {
    setBusy(true);
    setActionError(null);
    try {
      await api('PUT', url, body);
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const away = (until: string, reason: string) =>
    void set({
      status: 'away',
      ...(until ? { until: new Date(until).toISOString() } : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    });
  return (
    <section className="card" aria-labelledby="presence-h">
      <h2 id="presence-h">My presence</h2>
      {loading && <Loading what="your presence" />}
      <ErrorBox error={error} />
      {data && <PresenceStatus p={data} />}
      {data?.status === 'away' ? (
        <button type="button" disabled={busy} onClick={() => void set({ status: 'available' })}>
          I am back
        </button>
      ) : (
        <AwayForm onSubmit={away} busy={busy} />
      )}
      <ErrorBox error={actionError} title="Presence not changed" />
    </section>
  );
}
