import { useEffect, useState } from 'react';
import { get } from '../api.ts';

/** GET /v1/auth/providers: how this Remit lets people sign in (docs/access.md "Single sign-on"). */
interface Providers {
  readonly sso: { readonly enabled: false } | { readonly enabled: true; readonly label: string; readonly loginUrl: string };
  readonly passwords: { readonly enabled: boolean };
}

/** What the callback's `?sso_error=CODE` means to the person who was sent back (codes: docs/errors.md). */
const SSO_ERRORS: Readonly<Record<string, string>> = {
  SSO_FAILED:
    'Single sign-on did not sign you in: the identity provider’s answer was refused, the sign-in took too long or was ' +
    'already used, or your account may not use Remit (unknown, suspended, or no Remit role in your groups). ' +
    'Try again, or ask an administrator.',
  SSO_UNAVAILABLE: 'Single sign-on is unavailable right now: the identity provider does not answer. You can still sign in with an API key.',
  ARGUMENT_INVALID: 'That sign-in link was not valid. Start again from this page.',
};

/**
 * "Sign in with single sign-on": a plain link (a full-page navigation, not a fetch) to the login
 * redirect, coming back to the page the person was on. Shown only when the org configures a provider.
 */
export function SsoButton() {
  const [providers, setProviders] = useState<Providers | null>(null);
  useEffect(() => {
    get<Providers>('/v1/auth/providers').then(setProviders, () => setProviders(null));
  }, []);
  const error = new URLSearchParams(window.location.search).get('sso_error');
  const returnTo = window.location.pathname;
  return (
    <>
      {error !== null && (
        <div className="error" role="alert">
          <p>
            <strong>Single sign-on failed</strong>: <code>{error}</code> — {SSO_ERRORS[error] ?? 'sign-in was refused.'}
          </p>
        </div>
      )}
      {providers?.sso.enabled && (
        <div className="card form">
          <a className="button" href={`${providers.sso.loginUrl}?returnTo=${encodeURIComponent(returnTo)}`}>
            Sign in with {providers.sso.label}
          </a>
          <p className="hint">Your organisation’s identity provider signs you in; Remit never sees your password.</p>
        </div>
      )}
    </>
  );
}
