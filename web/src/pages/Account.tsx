import { useState, type FormEvent } from 'react';
import { api, type Me } from '../api.ts';
import { ErrorBox, Page } from '../components/common.tsx';
import { TotpSecret } from '../components/TotpStep.tsx';

/** Runs one API call for a form: busy flag, error, and a line saying what happened. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = async (call: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await call());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, act };
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { busy, error, done, act } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api('PUT', '/v1/me/password', { current, new: next });
      setCurrent('');
      setNext('');
      return 'Password changed. Your other sessions have ended.';
    });
  };
  return (
    <section>
      <h2>Password</h2>
      <form onSubmit={submit} className="card form">
        <label htmlFor="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <label htmlFor="next-password">New password</label>
        <input
          id="next-password"
          type="password"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Change password
        </button>
      </form>
      {done ? <p role="status">{done}</p> : null}
      <ErrorBox error={error} />
    </section>
  );
}

function OneTimeCode() {
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, done, act } = useAction();
  const start = () =>
    void act(async () => {
      setEnrolment(await api<{ secret: string; otpauthUri: string }>('POST', '/v1/me/totp', {}));
      return 'Add the key to your authenticator app, then confirm with a code from it.';
    });
  const send = (method: 'POST' | 'DELETE', path: string, message: string) => (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api(method, path, { code: code.trim() });
      setCode('');
      setEnrolment(null);
      return message;
    });
  };
  return (
    <section>
      <h2>One-time code (TOTP)</h2>
      <p>With a one-time code, signing in needs your password and a code from an authenticator app.</p>
      {enrolment ? (
        <>
          <TotpSecret secret={enrolment.secret} uri={enrolment.otpauthUri} />
          <form onSubmit={send('POST', '/v1/me/totp/confirm', 'One-time code on: sign-in now asks for a code.')} className="card form">
            <label htmlFor="confirm-code">Code from the app</label>
            <input
              id="confirm-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <button type="submit" disabled={busy}>
              Confirm
            </button>
          </form>
        </>
      ) : (
        <>
          <button type="button" onClick={start} disabled={busy}>
            Set up a one-time code
          </button>
          <form onSubmit={send('DELETE', '/v1/me/totp', 'One-time code off.')} className="card form">
            <label htmlFor="off-code">Turn it off: a current code</label>
            <input
              id="off-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <button type="submit" className="secondary" disabled={busy}>
              Turn off
            </button>
          </form>
        </>
      )}
      {done ? <p role="status">{done}</p> : null}
      <ErrorBox error={error} />
    </section>
  );
}

/** My account: one's own password and one-time code (docs/console.md). */
export function Account({ me }: { me: Me }) {
  return (
    <Page title="My account">
      <p>
        Signed in as <strong>{me.name}</strong> ({me.roles.join(', ')}).
      </p>
      <ChangePassword />
      <OneTimeCode />
    </Page>
  );
}
