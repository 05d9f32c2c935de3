import * as oidc from 'openid-client';
import type { OidcPolicySchema } from '../../domain/org/access-policy.schema.ts';
import type { z } from 'zod';

export type OidcPolicy = z.infer<typeof OidcPolicySchema>;

/** How long discovered provider metadata is reused before it is read again (keys rotate through the JWKS, not here). */
const METADATA_TTL_MS = 3_600_000;
/** Seconds a request to the provider may take: a hung provider must not hold sign-in requests for openid-client's default 30 s. */
const REQUEST_TIMEOUT_SECONDS = 10;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain http is allowed for a provider on this machine only (development, tests); anything else must be https. */
const insecureAllowed = (issuer: string): boolean => {
  const url = new URL(issuer);
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
};

/**
 * The identity providers Remit signs people in with (docs/access.md "Single sign-on"): discovery metadata
 * cached per issuer, a failed discovery NOT cached (the next sign-in tries again, so a provider that comes
 * back works at once), concurrent discoveries of one issuer shared. One per server process.
 */
export class OidcProviderClients {
  readonly #metadata = new Map<string, { readonly metadata: oidc.ServerMetadata; readonly at: number }>();
  readonly #inFlight = new Map<string, Promise<oidc.ServerMetadata>>();
  readonly #jwks = new Map<string, oidc.ExportedJWKSCache>();

  /** The provider's metadata; throws what openid-client throws when discovery fails. */
  async #discover(policy: OidcPolicy): Promise<oidc.ServerMetadata> {
    const cached = this.#metadata.get(policy.issuer);
    if (cached && Date.now() - cached.at < METADATA_TTL_MS) return cached.metadata;
    let pending = this.#inFlight.get(policy.issuer);
    if (!pending) {
      pending = oidc
        .discovery(new URL(policy.issuer), policy.clientId, undefined, oidc.None(), {
          timeout: REQUEST_TIMEOUT_SECONDS,
          execute: insecureAllowed(policy.issuer) ? [oidc.allowInsecureRequests] : [],
        })
        .then((config) => {
          const metadata = config.serverMetadata();
          this.#metadata.set(policy.issuer, { metadata, at: Date.now() });
          return metadata;
        })
        .finally(() => this.#inFlight.delete(policy.issuer));
      this.#inFlight.set(policy.issuer, pending);
    }
    return pending;
  }

  /**
   * A client configuration for one request. `nowMs` is the service clock: openid-client checks token
   * times against it (through its clock skew), with the org's tolerance.
   */
  async configuration(policy: OidcPolicy, secret: string | undefined, nowMs: number): Promise<oidc.Configuration> {
    const metadata = await this.#discover(policy);
    const config = new oidc.Configuration(
      metadata,
      policy.clientId,
      {
        ...(secret === undefined ? {} : { client_secret: secret }),
        [oidc.clockSkew]: Math.round((nowMs - Date.now()) / 1000),
        [oidc.clockTolerance]: policy.clockToleranceSeconds,
      },
      // OpenID Connect's default client authentication; a client without a secret is public and relies on PKCE.
      secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret),
    );
    if (insecureAllowed(policy.issuer)) oidc.allowInsecureRequests(config);
    config.timeout = REQUEST_TIMEOUT_SECONDS;
    const jwks = this.#jwks.get(policy.issuer);
    if (jwks) oidc.setJwksCache(config, jwks);
    return config;
  }

  /** Keeps the provider's signing keys fetched during a code exchange for the next sign-in. */
  rememberKeys(policy: OidcPolicy, config: oidc.Configuration): void {
    const jwks = oidc.getJwksCache(config);
    if (jwks) this.#jwks.set(policy.issuer, jwks);
  }
}

/** Whether a failure talking to the provider means it is down (or unreachable) rather than that it refused us. */
export function providerUnreachable(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  if (error instanceof oidc.ResponseBodyError) return error.status >= 500;
  if (error instanceof oidc.ClientError) {
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT') return true;
    const cause = error.cause;
    return cause instanceof Response && cause.status >= 500;
  }
  return false;
}
