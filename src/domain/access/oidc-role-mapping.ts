import { PERSON_ROLES, type PersonRole } from './roles.ts';

/**
 * Roles from an identity provider's claims (docs/access.md "Single sign-on"). Pure: the sign-in use case
 * hands in the verified ID-token claims and the org's `access.oidc` mapping.
 */

type RoleMap = Readonly<Record<string, readonly PersonRole[]>>;

/**
 * The values of the roles claim: a string or a list of strings. A dotted name (`realm_access.roles`)
 * walks into nested objects when no top-level claim has that exact name (Keycloak and others nest them).
 */
export function claimValues(claims: Readonly<Record<string, unknown>>, claim: string): readonly string[] {
  let value: unknown = claims[claim];
  if (value === undefined && claim.includes('.')) {
    value = claim
      .split('.')
      .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), claims);
  }
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The union of the roles every group maps to, in the canonical role order. */
export function mappedRoles(claims: Readonly<Record<string, unknown>>, rolesClaim: string, roleMap: RoleMap): readonly PersonRole[] {
  const roles = new Set<PersonRole>();
  for (const group of claimValues(claims, rolesClaim))
    for (const role of Object.hasOwn(roleMap, group) ? roleMap[group]! : []) roles.add(role);
  return PERSON_ROLES.filter((r) => roles.has(r));
}

/** The roles the provider governs: those some group maps to. Roles outside the map stay managed in Remit. */
export const governedRoles = (roleMap: RoleMap): ReadonlySet<PersonRole> => new Set(Object.values(roleMap).flat());

/**
 * A person's roles after a sign-in: the governed ones become exactly what the claims map to, the others are kept.
 * The rep role needs a link to a rep in the org, which only an admin sets: without one it is left out.
 */
export function rolesAfterSignIn(input: {
  readonly current: readonly PersonRole[];
  readonly mapped: readonly PersonRole[];
  readonly governed: ReadonlySet<PersonRole>;
  readonly linkedToRep: boolean;
}): readonly PersonRole[] {
  const kept = input.current.filter((r) => !input.governed.has(r));
  const granted = input.mapped.filter((r) => r !== 'rep' || input.linkedToRep);
  return PERSON_ROLES.filter((r) => kept.includes(r) || granted.includes(r));
}
