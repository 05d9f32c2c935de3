import type { PersonRole } from '../../domain/access/roles.ts';

// People (docs/access.md): who acts. Roles change only through grants, so the history of who granted what stays.

export type UserStatus = 'active' | 'suspended' | 'left';

export interface UserRecord {
  readonly id: string;
  readonly name: string;
  /** Lower-cased; unique. Null only for people adopted from keys that predate people. */
  readonly email: string | null;
  readonly status: UserStatus;
  readonly roles: readonly PersonRole[];
  readonly repId: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  /** Optimistic concurrency: every update names the version it read (409 otherwise). */
  readonly version: number;
}

/** Local sign-in state: kept apart from UserRecord so it never leaks into a listing. */
export interface UserCredentials {
  readonly passwordHash: string | null;
  readonly totpSecret: string | null;
  readonly totpEnabled: boolean;
  readonly failedSignIns: number;
  readonly lockedUntil: string | null;
  /** The last TOTP time step a code was accepted for (replay guard); null before the first. */
  readonly totpLastStep: number | null;
}

export interface OidcIdentity {
  readonly issuer: string;
  readonly subject: string;
}

export interface RoleGrantRecord {
  readonly id: string;
  readonly userId: string;
  readonly role: PersonRole;
  readonly grantedAt: string;
  readonly grantedBy: string;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
}

export type UserPatch = Partial<Pick<UserRecord, 'name' | 'email' | 'status' | 'roles' | 'repId'>>;

export interface UserRepository {
  /** false (and nothing written) when the e-mail or OIDC identity is already someone's. */
  create(record: Omit<UserRecord, 'version' | 'updatedAt'>, oidc?: OidcIdentity): Promise<boolean>;
  get(id: string): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findByOidc(identity: OidcIdentity): Promise<UserRecord | undefined>;
  /** Oldest first. */
  list(): Promise<readonly UserRecord[]>;
  /**
   * Applies a patch if the stored version is `expectedVersion`; returns the updated record, or
   * 'conflict' (another change won) / 'not_found'. Roles are written here and their grants below, in the same transaction.
   */
  update(id: string, expectedVersion: number, patch: UserPatch, at: string): Promise<UserRecord | 'conflict' | 'not_found'>;
  linkOidc(id: string, identity: OidcIdentity): Promise<void>;
  credentials(id: string): Promise<UserCredentials | undefined>;
  setPassword(id: string, passwordHash: string): Promise<void>;
  /** Stores a TOTP secret (enabled or pending confirmation) or clears it; a new secret starts a new replay history. */
  setTotp(id: string, secret: string | null, enabled: boolean): Promise<void>;
  /**
   * Records that a TOTP code for time step `step` was accepted, only if `step` is later than the last one
   * accepted: true when recorded, false when the step (or a later one) was used already (a replay). Atomic,
   * so two instances given the same code accept it once.
   */
  acceptTotpStep(id: string, step: number): Promise<boolean>;
  /** Records a failed sign-in; returns the new count. `lockUntil` locks the account when given. */
  recordFailedSignIn(id: string, lockUntil: string | null): Promise<number>;
  clearFailedSignIns(id: string): Promise<void>;
  grantRole(grant: Omit<RoleGrantRecord, 'revokedAt' | 'revokedBy'>): Promise<void>;
  revokeRole(userId: string, role: PersonRole, at: string, by: string): Promise<void>;
  /** Every grant of this person, active and revoked, oldest first. */
  grants(userId: string): Promise<readonly RoleGrantRecord[]>;
}

/** One-time sign-in links (first start, welcome, password reset): only a hash of the token is stored. */
export interface SignInLinkRecord {
  readonly tokenHash: string;
  readonly userId: string;
  readonly purpose: 'welcome' | 'reset';
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string;
}

export interface SignInLinkRepository {
  create(record: SignInLinkRecord): Promise<void>;
  /** Marks an unexpired, unused link used and returns it; undefined when unknown, used or expired (each link works once). */
  consume(tokenHash: string, at: string): Promise<SignInLinkRecord | undefined>;
}

/** OpenID Connect logins in flight: the PKCE verifier and nonce of a redirect, keyed by a hash of its state. */
export interface OidcLoginRecord {
  readonly stateHash: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly returnTo: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface OidcLoginRepository {
  create(record: OidcLoginRecord): Promise<void>;
  /** Deletes and returns the login (a state works once); undefined when unknown or expired. */
  take(stateHash: string, now: string): Promise<OidcLoginRecord | undefined>;
}
