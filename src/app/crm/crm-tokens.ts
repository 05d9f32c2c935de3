import type { CrmTarget } from '../../domain/org/crm-writeback.schema.ts';
import type { SecretLookup } from '../sources/secret-equals.ts';
import { CRM_DIALECTS } from './crm-dialects.ts';
import { answerOutcome, noAnswer, rejected, type CrmOutcome } from './crm-outcome.ts';

type Auth = CrmTarget['auth'];
type Grant = { readonly form: Record<string, string> } | { readonly token: string } | { readonly missing: string };

/** The named secrets, or the first one that is not set. */
const need = (
  secrets: SecretLookup,
  names: readonly string[],
): { readonly values: Record<string, string> } | { readonly missing: string } => {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = secrets(name);
    if (value === undefined) return { missing: name };
    values[name] = value;
  }
  return { values };
};

/** Each auth kind says what it sends to the token endpoint (or the static token it is). */
const GRANTS: { readonly [K in Auth['kind']]: (auth: Extract<Auth, { kind: K }>, secrets: SecretLookup) => Grant } = {
  client_credentials: (a, secrets) => {
    const got = need(secrets, [a.clientIdEnv, a.clientSecretEnv]);
    if ('missing' in got) return got;
    const v = got.values;
    const form = { grant_type: 'client_credentials', client_id: v[a.clientIdEnv]!, client_secret: v[a.clientSecretEnv]! };
    return { form: a.scope ? { ...form, scope: a.scope } : form };
  },
  refresh_token: (a, secrets) => {
    const got = need(secrets, [a.clientIdEnv, a.clientSecretEnv, a.refreshTokenEnv]);
    if ('missing' in got) return got;
    const v = got.values;
    return {
      form: {
        grant_type: 'refresh_token',
        client_id: v[a.clientIdEnv]!,
        client_secret: v[a.clientSecretEnv]!,
        refresh_token: v[a.refreshTokenEnv]!,
      },
    };
  },
  access_token: (a, secrets) => {
    const token = secrets(a.tokenEnv);
    return token === undefined ? { missing: a.tokenEnv } : { token };
  },
};

export interface CrmTokenDeps {
  readonly secrets: SecretLookup;
  readonly now: () => number;
  readonly timeoutMs: number;
  /** Retry-After when a 429 names none. */
  readonly fallbackRetryMs: number;
}

/**
 * OAuth2 access tokens per write-back target (docs/crm.md "Tokens"): fetched from the CRM's token endpoint, cached in
 * memory until shortly before `expires_in` (Salesforce names no expiry: until a 401), dropped on a 401 so the next call
 * fetches a fresh one. The cache key covers the connection's config, so a changed org config never reuses a token.
 */
export class CrmTokens {
  private readonly deps: CrmTokenDeps;
  private readonly cache = new Map<string, { readonly token: string; readonly expiresAtMs: number }>();

  constructor(deps: CrmTokenDeps) {
    this.deps = deps;
  }

  private key = (t: CrmTarget) => JSON.stringify([t.id, t.kind, t.baseUrl, t.auth]);

  /** Whether a 401 is worth one refresh: a static token cannot be refreshed. */
  refreshable = (t: CrmTarget): boolean => t.auth.kind !== 'access_token';

  forget(t: CrmTarget): void {
    this.cache.delete(this.key(t));
  }

  async token(t: CrmTarget): Promise<{ readonly token: string } | { readonly failed: CrmOutcome }> {
    const cached = this.cache.get(this.key(t));
    if (cached && cached.expiresAtMs > this.deps.now()) return { token: cached.token };
    const grant = (GRANTS[t.auth.kind] as (a: Auth, s: SecretLookup) => Grant)(t.auth, this.deps.secrets);
    if ('missing' in grant) return { failed: rejected('CRM_SECRET_MISSING', `environment variable ${grant.missing} is not set`) };
    if ('token' in grant) return { token: grant.token };
    const fetched = await this.fetchToken(t, grant.form);
    if ('token' in fetched) this.cache.set(this.key(t), fetched);
    return fetched;
  }

  private async fetchToken(
    t: CrmTarget,
    form: Record<string, string>,
  ): Promise<{ readonly token: string; readonly expiresAtMs: number } | { readonly failed: CrmOutcome }> {
    const dialect = CRM_DIALECTS[t.kind];
    let res: Response;
    try {
      res = await fetch(`${t.baseUrl.replace(/\/+$/, '')}${dialect.tokenPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.deps.timeoutMs),
        redirect: 'manual',
      });
    } catch (e) {
      return { failed: noAnswer(e, 'token endpoint: ') };
    }
    const body: unknown = await res.json().catch(() => null);
    const accessToken = (body as { access_token?: unknown } | null)?.access_token;
    if (res.ok && typeof accessToken === 'string' && accessToken !== '') {
      const expiresIn = Number((body as { expires_in?: unknown }).expires_in);
      // A minute's margin, so a token is not used in the second it expires.
      const expiresAtMs = Number.isFinite(expiresIn) && expiresIn > 0 ? this.deps.now() + Math.max(0, expiresIn - 60) * 1000 : Infinity;
      return { token: accessToken, expiresAtMs };
    }
    const error = `token endpoint: ${dialect.errorMessage(body) ?? (res.ok ? 'no access_token in the answer' : res.statusText)}`;
    const answer = { status: res.ok ? 502 : res.status, retryAfter: res.headers.get('retry-after'), error };
    return { failed: answerOutcome(answer, this.deps.now(), this.deps.fallbackRetryMs, 'CRM_TOKEN_REFUSED') };
  }
}
