import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID Connect provider for tests (the `oidc-provider` reference implementation) on
 * 127.0.0.1: its development login page accepts any login (the account id) with any password; consent
 * is granted up front, as a company's own provider does for its own applications.
 */

export interface TestAccount {
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
  readonly groups?: readonly string[];
}

export interface TestClient {
  readonly client_id: string;
  readonly redirect_uris: readonly string[];
  /** Given: a confidential client (client_secret_basic); omitted: a public client (PKCE, no secret). */
  readonly client_secret?: string;
}

export interface TestProvider {
  readonly issuer: string;
  /** Accounts by login (the `sub`); tests may change them between sign-ins. */
  readonly accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

/** Consent is taken as given for every client: the login page is the only interaction. */
async function grantEverything(ctx: KoaContextWithOIDC) {
  const { client, session, provider } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const existing = session.grantIdFor(client.clientId);
  if (existing) return provider.Grant.find(existing);
  const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope('openid email profile');
  grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
  await grant.save();
  return grant;
}

export async function startOidcProvider(opts: {
  readonly clients: readonly TestClient[];
  readonly accounts?: Record<string, TestAccount>;
  /** A fixed port (to bring a provider up where a "down" one was configured); default any. */
  readonly port?: number;
  /** ID token lifetime, seconds (default 60). */
  readonly idTokenTtl?: number;
}): Promise<TestProvider> {
  const server = createServer();
  const port = await listen(server, opts.port ?? 0);
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map(Object.entries(opts.accounts ?? {}));
  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.client_id,
      redirect_uris: [...c.redirect_uris],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      ...(c.client_secret
        ? { client_secret: c.client_secret, token_endpoint_auth_method: 'client_secret_basic' }
        : { token_endpoint_auth_method: 'none' }),
    })),
    pkce: { required: () => true },
    // The claims go into the ID token itself (Remit reads the ID token, not the userinfo endpoint).
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...account, groups: account.groups ? [...account.groups] : undefined }) };
    },
    loadExistingGrant: grantEverything,
    ttl: { IdToken: opts.idTokenTtl ?? 60 },
    cookies: { keys: ['remit-test-provider'] },
    features: { devInteractions: { enabled: true } },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A cookie jar of one site for fetch with manual redirects. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}

/**
 * Logs in at the provider as `login`, starting from its authorization URL, the way a browser would
 * (manual redirects, the provider's cookies kept); answers the URL the provider sends the browser back to.
 */
export async function loginAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const jar = new CookieJar();
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: jar.header() } });
    jar.take(res);
    return res;
  };
  let res = await go(authorizationUrl);
  let url = authorizationUrl;
  for (let hops = 0; hops < 10; hops++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
      if (!url.startsWith(new URL(authorizationUrl).origin)) return new URL(url);
      res = await go(url);
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action) throw new Error(`unexpected provider page ${res.status} at ${url}: ${html.slice(0, 500)}`);
    const body = new URLSearchParams({ prompt: 'login', login, password: 'any' });
    url = new URL(action.replaceAll('&amp;', '&'), url).href;
    res = await go(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  throw new Error('too many redirects at the provider');
}
