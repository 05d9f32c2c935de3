import { useState, type FormEvent } from 'react';
import { api, type Me } from '../api.ts';
import { ErrorBox, Page } from '../components/common.tsx';
import { SsoButton } from '../components/SsoButton.tsx';
import { PasswordSignIn } from '../components/PasswordSignIn.tsx';

/** The secondary way in: an API key exchanged for a session bound to the key's one role. */
function ApiKeySignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
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
    <details className="signin-alternative">
      <summary>Sign in with an API key</summary>
      <p>
        The key (<code>remit_…</code>) is exchanged for a session cookie bound to its role; it is not stored in the browser.
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
          {busy ? 'Signing in…' : 'Sign in with key'}
        </button>
      </form>
      <ErrorBox error={error} title="Sign-in failed" />
    </details>
  );
}

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  return (
    <main id="main" className="signin">
      <Page title="Sign in to the Remit console">
        <p>Sign in with your e-mail address and password. New here? Use the one-time link an administrator sent you.</p>
        <PasswordSignIn onSignedIn={onSignedIn} />
        {/* Other ways in (single sign-on, API key) follow the primary form. */}
        <SsoButton />
        <ApiKeySignIn onSignedIn={onSignedIn} />
      </Page>
    </main>
  );
}
