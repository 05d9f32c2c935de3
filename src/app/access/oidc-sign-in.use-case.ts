import { sha256Hex } from '../../domain/shared/canonical-json.ts';
import * as oidc from 'openid-client';
import { governedRoles, mappedRoles, rolesAfterSignIn } from '../../domain/access/oidc-role-mapping.ts';
import { sameOriginPath } from '../../domain/access/return-to.ts';
import { sessionRoles, type PersonRole } from '../../domain/access/roles.ts';
import { accessPolicyOf } from '../../domain/org/access-policy.schema.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { OidcIdentity, UserRecord } from '../../store/ports/users.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { environmentSecrets, type SecretLookup } from '../sources/secret-equals.ts';
import { providerUnreachable, type OidcPolicy, type OidcProviderClients } from './oidc-provider-client.ts';
import { createPerson, publicUserView } from './people.use-case.ts';

/**
 * Single sign-on with OpenID Connect (docs/access.md "Single sign-on"): authorization code with PKCE
 * through openid-client, which checks the provider's answer (issuer, audience, nonce, expiry, signature).
 * The login in flight lives in the store (any instance may receive the callback) under a hash of its
 * state, and works once.
 */

export type OidcDeps = Pick<ServiceContext, 'store' | 'clock' | 'ids' | 'log' | 'metrics' | 'orgs'> & {
  readonly providers: OidcProviderClients;
  /** Where `clientSecretEnv` is read; the process environment by default. */
  readonly secrets?: SecretLookup | undefined;
};

/** A login waits this long for the provider's callback. */
const LOGIN_TTL_MS = 10 * 60_000;
export const CALLBACK_PATH = '/v1/auth/oidc/callback';

/** The org's single sign-on set-up, or undefined when it has none. */
export const oidcPolicyOf = (deps: Pick<ServiceContext, 'orgs'>): OidcPolicy | undefined => accessPolicyOf(deps.orgs.current.config).oidc;

const redirectUriOf = (policy: OidcPolicy, origin: string) => policy.redirectUri ?? `${origin}${CALLBACK_PATH}`;

/** Logs and counts a refusal; the outcome label says whether the provider was down or the answer was refused. */
function refuse(deps: OidcDeps, code: 'SSO_FAILED' | 'SSO_UNAVAILABLE', message: string, cause?: unknown) {
  deps.metrics.ssoSignIns.inc({ outcome: code === 'SSO_UNAVAILABLE' ? 'unavailable' : 'refused' });
  const fields = { code, reason: message, ...(cause === undefined ? {} : { err: cause }) };
  if (code === 'SSO_UNAVAILABLE') deps.log.error(fields, 'single sign-on unavailable');
  else deps.log.warn(fields, 'single sign-on refused');
  return failure(code, message);
}

async function configuration(deps: OidcDeps, policy: OidcPolicy): Promise<Result<oidc.Configuration, AppFailure>> {
  let secret: string | undefined;
  if (policy.clientSecretEnv !== undefined) {
    secret = (deps.secrets ?? environmentSecrets)(policy.clientSecretEnv);
    if (secret === undefined) return refuse(deps, 'SSO_UNAVAILABLE', `the client secret variable ${policy.clientSecretEnv} is not set`);
  }
  try {
    return ok(await deps.providers.configuration(policy, secret, deps.clock.now()));
  } catch (error) {
    return refuse(deps, 'SSO_UNAVAILABLE', `the identity provider ${policy.issuer} does not answer its discovery request`, error);
  }
}

/**
 * Starts a sign-in: records the PKCE verifier, nonce and return path under a hash of a fresh state and
 * answers the provider URL to send the browser to, and the state (the route binds it to the browser).
 */
export async function startOidcSignIn(
  deps: OidcDeps,
  input: { readonly returnTo: string | undefined; readonly origin: string },
): Promise<Result<{ readonly url: string; readonly state: string }, AppFailure>> {
  const policy = oidcPolicyOf(deps);
  if (!policy) return failure('SSO_UNAVAILABLE', 'single sign-on is not configured (access.oidc in the org config)');
  const returnTo = sameOriginPath(input.returnTo);
  if (returnTo === null)
    return failure('ARGUMENT_INVALID', 'returnTo must be a path on this site', [
      { path: '/querystring/returnTo', message: 'not a same-origin path' },
    ]);
  const config = await configuration(deps, policy);
  if (!config.ok) return config;
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const now = deps.clock.now();
  await deps.store.oidcLogins.create({
    stateHash: sha256Hex(state),
    codeVerifier,
    nonce,
    returnTo,
    createdAt: toIso(now),
    expiresAt: toIso(now + LOGIN_TTL_MS),
  });
  const url = oidc.buildAuthorizationUrl(config.value, {
    redirect_uri: redirectUriOf(policy, input.origin),
    scope: policy.scopes.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return ok({ url: url.href, state });
}

/** openid-client wraps the precise check that failed (which claim, which parameter) in `cause`. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

type Claims = Readonly<Record<string, unknown>> & { readonly iss: string; readonly sub: string; readonly iat: number };

/** Exchanges the code; every refusal of the provider's answer is SSO_FAILED, a provider that does not answer SSO_UNAVAILABLE. */
async function exchangeCode(
  deps: OidcDeps,
  policy: OidcPolicy,
  input: {
    readonly callbackUrl: URL;
    readonly origin: string;
    readonly state: string;
    readonly codeVerifier: string;
    readonly nonce: string;
  },
): Promise<Result<Claims, AppFailure>> {
  const config = await configuration(deps, policy);
  if (!config.ok) return config;
  const redirectUri = redirectUriOf(policy, input.origin);
  const current = new URL(redirectUri);
  current.search = input.callbackUrl.search;
  let claims: Claims | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(
      config.value,
      current,
      { pkceCodeVerifier: input.codeVerifier, expectedNonce: input.nonce, expectedState: input.state, idTokenExpected: true },
      { redirect_uri: redirectUri },
    );
    deps.providers.rememberKeys(policy, config.value);
    claims = tokens.claims() as Claims | undefined;
  } catch (error) {
    if (providerUnreachable(error)) return refuse(deps, 'SSO_UNAVAILABLE', `the identity provider ${policy.issuer} does not answer`, error);
    return refuse(deps, 'SSO_FAILED', `the identity provider's answer was refused: ${reasonOf(error)}`, error);
  }
  if (!claims) return refuse(deps, 'SSO_FAILED', 'the identity provider sent no ID token');
  // openid-client checks exp and nbf against the tolerance; a token issued in the future means the clocks disagree too.
  if (claims.iat * 1000 > deps.clock.now() + policy.clockToleranceSeconds * 1000)
    return refuse(deps, 'SSO_FAILED', `the ID token was issued in the future (beyond ${policy.clockToleranceSeconds} s): check the clocks`);
  return ok(claims);
}

/**
 * Finishes a sign-in at the provider's callback: takes the login once (a replayed or expired state is
 * refused), checks the browser that started it sent it back, exchanges the code and maps the ID token
 * to a person. Answers the person to open a session for and where to send them.
 */
export async function finishOidcSignIn(
  deps: OidcDeps,
  input: { readonly callbackUrl: URL; readonly origin: string; readonly browserState: string | undefined },
): Promise<Result<{ readonly user: UserRecord; readonly returnTo: string }, AppFailure>> {
  const policy = oidcPolicyOf(deps);
  if (!policy) return failure('SSO_UNAVAILABLE', 'single sign-on is not configured (access.oidc in the org config)');
  const state = input.callbackUrl.searchParams.get('state');
  if (!state || state.length > 200) return refuse(deps, 'SSO_FAILED', 'the callback carries no state');
  // Login CSRF: a callback URL made in someone else's browser must not sign this browser in as them.
  if (input.browserState !== state) return refuse(deps, 'SSO_FAILED', 'this sign-in was not started in this browser');
  const login = await deps.store.oidcLogins.take(sha256Hex(state), toIso(deps.clock.now()));
  if (!login) return refuse(deps, 'SSO_FAILED', 'this sign-in is unknown, already used or expired: start again');
  const claims = await exchangeCode(deps, policy, { ...input, state, codeVerifier: login.codeVerifier, nonce: login.nonce });
  if (!claims.ok) return claims;
  const person = await deps.store.transaction((tx) => signInPerson(tx, deps, policy, claims.value));
  if (!person.ok) return refuse(deps, 'SSO_FAILED', person.error.message);
  deps.metrics.ssoSignIns.inc({ outcome: 'signed_in' });
  return ok({ user: person.value, returnTo: login.returnTo });
}

const verifiedEmail = (claims: Claims): string | null =>
  claims.email_verified === true && typeof claims.email === 'string' && claims.email.includes('@')
    ? claims.email.trim().toLowerCase()
    : null;

function displayName(claims: Claims, email: string): string {
  if (typeof claims.name === 'string' && claims.name.trim() !== '') return claims.name.trim().slice(0, 200);
  const parts = [claims.given_name, claims.family_name].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length > 0 ? parts.join(' ').slice(0, 200) : email;
}

/** The person behind the ID token, found by identity, else by verified e-mail (then linked), else created when the org allows it. */
async function signInPerson(tx: UnitOfWork, deps: OidcDeps, policy: OidcPolicy, claims: Claims): Promise<Result<UserRecord, AppFailure>> {
  const identity: OidcIdentity = { issuer: claims.iss, subject: claims.sub };
  const actor = `sso:${claims.iss}`;
  const at = toIso(deps.clock.now());
  const mapped = mappedRoles(claims, policy.rolesClaim, policy.roleMap);
  const email = verifiedEmail(claims);
  let user = await tx.users.findByOidc(identity);
  let linked = false;
  if (!user && email) {
    user = await tx.users.findByEmail(email);
    linked = user !== undefined;
  }
  if (!user) {
    if (!policy.createUsers)
      return failure('SSO_FAILED', `nobody in Remit is ${email ?? claims.sub}: an administrator must add them first`);
    if (!email) return failure('SSO_FAILED', 'the identity provider gave no verified e-mail: a person cannot be created');
    const roles = mapped.filter((r) => r !== 'rep');
    if (roles.length === 0) return failure('SSO_FAILED', `the ${policy.rolesClaim} claim maps to no Remit role: nobody was created`);
    const created = await createPerson(deps, { userId: actor }, { name: displayName(claims, email), email, roles }, tx);
    if (!created.ok) return created;
    await tx.users.linkOidc(created.value.id, identity);
    return recordSignIn(tx, created.value, actor, at);
  }
  if (user.status !== 'active') return failure('SSO_FAILED', `${user.name} is ${user.status} and may not sign in`);
  const roles = rolesAfterSignIn({
    current: user.roles,
    mapped,
    governed: governedRoles(policy.roleMap),
    linkedToRep: user.repId !== null,
  });
  if (mapped.filter((r) => r !== 'rep' || user.repId !== null).length === 0 || sessionRoles(roles).length === 0)
    return failure('SSO_FAILED', `the ${policy.rolesClaim} claim maps to no Remit role ${user.name} may sign in with`);
  if (linked) {
    await tx.users.linkOidc(user.id, identity);
    await appendAudit(tx, {
      kind: 'access',
      subject: `user:${user.id}`,
      actor,
      at,
      payload: { action: 'user.sso_linked', userId: user.id, issuer: identity.issuer, subject: identity.subject, email },
    });
  }
  const synced = await syncRoles(tx, deps, user, roles, actor, at);
  if (!synced.ok) return synced;
  return recordSignIn(tx, synced.value, actor, at);
}

/** The provider's groups decide the roles it governs: changes go through grants, attributed to the provider, with before/after. */
async function syncRoles(
  tx: UnitOfWork,
  deps: OidcDeps,
  before: UserRecord,
  roles: readonly PersonRole[],
  actor: string,
  at: string,
): Promise<Result<UserRecord, AppFailure>> {
  const added = roles.filter((r) => !before.roles.includes(r));
  const removed = before.roles.filter((r) => !roles.includes(r));
  if (added.length === 0 && removed.length === 0) return ok(before);
  const after = await tx.users.update(before.id, before.version, { roles }, at);
  if (after === 'not_found' || after === 'conflict') return failure('SSO_FAILED', `${before.name} changed meanwhile: sign in again`);
  for (const role of added)
    await tx.users.grantRole({ id: deps.ids.next('grt'), userId: before.id, role, grantedAt: at, grantedBy: actor });
  for (const role of removed) await tx.users.revokeRole(before.id, role, at, actor);
  await appendAudit(tx, {
    kind: 'access',
    subject: `user:${before.id}`,
    actor,
    at,
    payload: {
      action: 'user.updated',
      userId: before.id,
      reason: 'roles mapped from the identity provider at sign-in',
      before: publicUserView(before),
      after: publicUserView(after),
      rolesGranted: added,
      rolesRevoked: removed,
      endedSessions: 0,
    },
  });
  return ok(after);
}

async function recordSignIn(tx: UnitOfWork, user: UserRecord, actor: string, at: string): Promise<Result<UserRecord, AppFailure>> {
  await appendAudit(tx, {
    kind: 'access',
    subject: `user:${user.id}`,
    actor: user.id,
    at,
    payload: { action: 'sign_in.succeeded', userId: user.id, method: 'oidc', provider: actor },
  });
  return ok(user);
}
