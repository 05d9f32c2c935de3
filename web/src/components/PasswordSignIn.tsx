import { useState, type FormEvent } from 'react';
import { api, ApiError, type Me } from '../api.ts';
import { ErrorBox } from './common.tsx';
import { totpChallengeOf, TotpStep, type TotpChallenge } from './TotpStep.tsx';

/** Signs in with e-mail, password and (when the server asks) a one-time code; resolves who is signed in. */
export async function passwordSignIn(email: string, password: string, totp?: string): Promise<Me> {
  await api('POST', '/v1/session', { email, password, ...(totp ? { totp } : {}) });
  return api<Me>('GET', '/v1/session');
}

/**
 * Continues a sign-in the server answered with TOTP_REQUIRED or TOTP_NOT_ENROLLED: returns the challenge
 * to show, or rethrows anything else.
 */
export function challengeOrThrow(err: unknown, email: string, password: string): TotpChallenge {
  const challenge = err instanceof ApiError ? totpChallengeOf(err.body as never, email, password) : null;
  if (!challenge) throw err;
  return challenge;
}

/** The console's primary sign-in: e-mail and password, then a code field when the server says one is needed. */
export function PasswordSignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<TotpChallenge | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const attempt = async (totp?: string) => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await passwordSignIn(email, password, totp));
    } catch (err) {
      try {
        setChallenge(challengeOrThrow(err, email, password));
      } catch (refused) {
        setError(refused);
      }
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void attempt();
  };
  return (
    <>
      {challenge ? (
        <TotpStep challenge={challenge} busy={busy} onCode={(code) => void attempt(code)} />
      ) : (
        <form onSubmit={submit} className="card form" aria-label="Sign in with e-mail and password">
          <label htmlFor="email">E-mail</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" disabled={busy || email.trim() === '' || password === ''}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      )}
      <ErrorBox error={error} title="Sign-in failed" />
    </>
  );
}
