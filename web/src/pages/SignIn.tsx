import { useState, type FormEvent } from 'react';
import { api, type Me } from '../api.ts';
import { ErrorBox, Page } from '../components/common.tsx';
import { SsoButton } from '../components/SsoButton.tsx';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/v1/session', { apiKey });
      setApiKey('');
      onSignedIn(await api<Me>('GET', '/v1/session'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="signin">
      <Page title="Sign in to the Remit console">
        <SsoButton />
        <p>
          Or sign in with your Remit API key (<code>remit_…</code>). The key is exchanged for a session cookie bound to its role; it is not
          stored in the browser.
        </p>
        <form onSubmit={(e) => void submit(e)} className="card form">
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            aria-describedby="api-key-help"
          />
          <p id="api-key-help" className="hint">
            Ask an administrator for a key: <code>remit keys create --role compliance</code>.
          </p>
          <button type="submit" disabled={busy || apiKey.trim() === ''}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <ErrorBox error={error} title="Sign-in failed" />
      </Page>
    </main>
  );
}
