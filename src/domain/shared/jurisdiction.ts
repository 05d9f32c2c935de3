/**
 * Jurisdictions are ISO 3166-1 alpha-2 countries ("GB") or ISO 3166-2 subdivisions ("US-TX").
 * A country-level code covers its subdivisions; a subdivision covers only itself.
 */
export type JurisdictionCode = string;

export const JURISDICTION_PATTERN = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export const countryOf = (code: JurisdictionCode): string => code.slice(0, 2);

export const isSubdivision = (code: JurisdictionCode): boolean => code.length > 2;

/** Does a grant/mandate for `scope` cover a lead located in `target`? */
export function jurisdictionCovers(scope: JurisdictionCode, target: JurisdictionCode): boolean {
  if (scope === target) return true;
  return !isSubdivision(scope) && countryOf(target) === scope;
}
