import { useState, type FormEvent } from 'react';
import { api, ApiError, type Me } from '../api.ts';
import { ErrorBox, Page } from '../components/common.tsx';
import { challengeOrThrow, passwordSignIn } from '../components/PasswordSignIn.tsx';
import { TotpStep, type TotpChallenge } from '../components/TotpStep.tsx';

/** The link's token, read once from the fragment (`/welcome#token=…`) and then removed from the address bar and history. */
function takeToken(): string {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  if (window.location.hash) history.replaceState(null, '', window.location.pathname);
  return token;
}

/**
 * A one-time sign-in link (docs/access.md): the person chooses their password, enrols a one-time code
 * if their roles need one, and is signed in.
 */
export function Welcome({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [token] = useState(takeToken);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [challenge, setChallenge] = useState<TotpChallenge | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const setAndSignIn = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      try {
        await api('POST', '/v1/session/link', { token, password });
        onSignedIn(await api<Me>('GET', '/v1/session'));
      } catch (err) {
        const email = err instanceof ApiError ? String((err.body as unknown as Record<string, unknown>).email ?? '') : '';
        setChallenge(challengeOrThrow(err, email, password));
      }
    });
  };
  const withCode = (code: string) => void run(async () => onSignedIn(await passwordSignIn(challenge!.email, challenge!.password, code)));
  if (token === '')
    return (
      <main id="main" className="signin">
        <Page title="Sign-in link">
          <p>This address carries no sign-in token. Open the link exactly as you received it, or ask an administrator for a new one.</p>
        </Page>
      </main>
    );
  return (
    <main id="main" className="signin">
      <Page title="Welcome to Remit">
        {challenge ? (
          <>
            <p>
              Your password is set. {challenge.enrol ? 'Your role needs a one-time code: set one up now.' : 'Enter your one-time code.'}
            </p>
            <TotpStep challenge={challenge} busy={busy} onCode={withCode} />
          </>
        ) : (
          <form onSubmit={setAndSignIn} className="card form" aria-label="Choose your password">
            <label htmlFor="new-password">Choose a password</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <label htmlFor="repeat-password">Repeat it</label>
            <input
              id="repeat-password"
              type="password"
              autoComplete="new-password"
              required
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
            {repeat !== '' && repeat !== password ? <p className="hint">The two passwords differ.</p> : null}
            <button type="submit" disabled={busy || password === '' || repeat !== password}>
              {busy ? 'Saving…' : 'Set password and sign in'}
            </button>
          </form>
        )}
        <ErrorBox error={error} title="That did not work" />
      </Page>
    </main>
  );
}
