import { useState, type FormEvent } from 'react';

/** What the server said the second step needs: a code (TOTP_REQUIRED), or enrolment first (TOTP_NOT_ENROLLED, with a secret). */
export interface TotpChallenge {
  readonly email: string;
  readonly password: string;
  readonly enrol: { readonly totpSecret: string; readonly otpauthUri: string } | null;
}

/** The secret of a new authenticator entry, as text to type or paste (a QR code is optional and not drawn here). */
export function TotpSecret({ secret, uri }: { secret: string; uri: string }) {
  return (
    <div className="card" data-testid="totp-secret">
      <p>
        Add this account to your authenticator app (Google Authenticator, 1Password, FreeOTP …): enter the key <code>{secret}</code>{' '}
        (time-based, 6 digits, 30 s), or open this URI on your phone:
      </p>
      <p>
        <code className="wrap">{uri}</code>
      </p>
    </div>
  );
}

/** The one-time code field, shown when the server asks for it. */
export function TotpStep({ challenge, busy, onCode }: { challenge: TotpChallenge; busy: boolean; onCode: (code: string) => void }) {
  const [code, setCode] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onCode(code.trim());
  };
  return (
    <>
      {challenge.enrol ? <TotpSecret secret={challenge.enrol.totpSecret} uri={challenge.enrol.otpauthUri} /> : null}
      <form onSubmit={submit} className="card form">
        <label htmlFor="totp-code">One-time code</label>
        <input
          id="totp-code"
          name="totp"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <button type="submit" disabled={busy || code.trim() === ''}>
          {busy ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </>
  );
}

/** The challenge a failed sign-in carries, or null when it is a plain refusal. */
export function totpChallengeOf(body: { code: string } & Record<string, unknown>, email: string, password: string): TotpChallenge | null {
  if (body.code === 'TOTP_REQUIRED') return { email, password, enrol: null };
  if (body.code === 'TOTP_NOT_ENROLLED' && typeof body.totpSecret === 'string' && typeof body.otpauthUri === 'string')
    return { email, password, enrol: { totpSecret: body.totpSecret, otpauthUri: body.otpauthUri } };
  return null;
}
