/**
 * The name-comparison parameters a screening uses come from the screening policy (org config `screening.nameCompare`,
 * docs/screening.md): each key the org sets overrides the screening default (`SCREENING_COMPARE_PARAMS`, the one
 * source of the default values). The policy recorded with a screening carries the resolved parameters, so a change
 * to a parameter, set or defaulted, is a change of the recorded policy and its hash.
 */
import type { NameCompareSettings, ScreeningPolicy } from '../domain/org/screening-policy.schema.ts';
import { SCREENING_COMPARE_PARAMS, type NameCompareParams } from './name-compare.ts';

// One resolved object per configured settings object: screening resolves it per query, orgs change rarely.
const resolved = new WeakMap<NameCompareSettings, NameCompareParams>();

/** The parameters screening compares names with under `policy`. */
export function screeningCompareParams(policy: Pick<ScreeningPolicy, 'nameCompare'>): NameCompareParams {
  const set = policy.nameCompare;
  if (!set) return SCREENING_COMPARE_PARAMS;
  let params = resolved.get(set);
  if (!params) {
    const overrides = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
    params = { ...SCREENING_COMPARE_PARAMS, ...overrides };
    resolved.set(set, params);
  }
  return params;
}

/** The policy as a screening applied it: `nameCompare` holds every comparison parameter used, set or defaulted. */
export type AppliedScreeningPolicy = Omit<ScreeningPolicy, 'nameCompare'> & { readonly nameCompare: NameCompareParams };

export const appliedScreeningPolicy = (policy: ScreeningPolicy): AppliedScreeningPolicy => ({
  ...policy,
  nameCompare: { ...screeningCompareParams(policy) },
});
