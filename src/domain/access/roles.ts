/**
 * Roles (docs/access.md). A person holds person roles; a request acts with acting roles: a console
 * session acts with every role its person holds, an API key with its one role, and only while its
 * person still holds it. `integration` (ingest only) is a key role: a person who holds
 * `integration-owner` (or admin) may own integration keys. Each route names the acting roles it admits
 * (src/http/auth.ts).
 */
export type Role = 'admin' | 'ops' | 'compliance' | 'rep' | 'integration';
export const ROLES: readonly Role[] = ['admin', 'ops', 'compliance', 'rep', 'integration'];

export type PersonRole = 'admin' | 'ops' | 'compliance' | 'rep' | 'integration-owner';
export const PERSON_ROLES: readonly PersonRole[] = ['admin', 'ops', 'compliance', 'rep', 'integration-owner'];

/** The acting roles a person's session carries: every role they hold except integration-owner, which only lets them own keys. */
export const sessionRoles = (held: readonly PersonRole[]): readonly Role[] =>
  ROLES.filter((r) => r !== 'integration' && (held as readonly string[]).includes(r));

/** Whether a person holding `held` may own (and so use) a key acting as `keyRole`. */
export function mayHoldKeyRole(held: readonly PersonRole[], keyRole: Role): boolean {
  if (keyRole === 'integration') return held.includes('integration-owner') || held.includes('admin');
  return (held as readonly string[]).includes(keyRole);
}

/** The person role a key role stands for (to create a one-role person for a key). */
export const personRoleFor = (keyRole: Role): PersonRole => (keyRole === 'integration' ? 'integration-owner' : keyRole);
