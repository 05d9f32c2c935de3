import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import type { CustomerType } from '../org/org-config.schema.ts';
import type { ReasonCode } from './reason-codes.ts';

/** A grant or appointment with its validity pre-parsed to epoch ms. */
export interface Authority {
  readonly id: string;
  readonly jurisdiction: string;
  readonly productLines: readonly string[];
  readonly customerTypes?: readonly CustomerType[];
  readonly status: 'active' | 'suspended' | 'revoked' | 'lapsed';
  readonly validFromMs: number;
  readonly validToMs: number;
}

export interface CoverageCodes {
  readonly noneInJurisdiction: ReasonCode;
  readonly productLine: ReasonCode;
  readonly customerType: ReasonCode;
  readonly expired: ReasonCode;
  readonly notYetValid: ReasonCode;
  readonly inactive: ReasonCode;
}

export type Coverage =
  | { readonly covered: true; readonly reliedOn: readonly string[] }
  | { readonly covered: false; readonly code: ReasonCode; readonly detail: string };

const isValidAt = (a: Authority, at: number) => a.status === 'active' && a.validFromMs <= at && at < a.validToMs;

/**
 * Every product line must be covered, for this jurisdiction and customer type, by an authority
 * valid at `at`. When one is not, the most specific explanation wins: an authority that would have
 * covered the lead but is expired / not yet valid / inactive is named, else what it lacks.
 */
export function checkCoverage(
  authorities: readonly Authority[],
  jurisdiction: string,
  productLines: readonly string[],
  customerType: CustomerType | null,
  at: number,
  codes: CoverageCodes,
): Coverage {
  // Fast path, allocation-free apart from the result: most checks on the hot path pass.
  const reliedOn: string[] = [];
  let allCovered = true;
  for (const line of productLines) {
    let found: Authority | undefined;
    for (const a of authorities) {
      if (
        isValidAt(a, at) &&
        jurisdictionCovers(a.jurisdiction, jurisdiction) &&
        a.productLines.includes(line) &&
        (customerType === null || a.customerTypes?.includes(customerType))
      ) {
        found = a;
        break;
      }
    }
    if (!found) {
      allCovered = false;
      break;
    }
    if (!reliedOn.includes(found.id)) reliedOn.push(found.id);
  }
  return allCovered ? { covered: true, reliedOn } : diagnose(authorities, jurisdiction, productLines, customerType, at, codes);
}

/** Why coverage failed: an authority that would have covered the lead but is not valid is named first, else what is lacking. */
function diagnose(
  authorities: readonly Authority[],
  jurisdiction: string,
  productLines: readonly string[],
  customerType: CustomerType | null,
  at: number,
  codes: CoverageCodes,
): Coverage & { covered: false } {
  const inJurisdiction = authorities.filter((a) => jurisdictionCovers(a.jurisdiction, jurisdiction));
  if (inJurisdiction.length === 0) return { covered: false, code: codes.noneInJurisdiction, detail: `none held for ${jurisdiction}` };
  for (const line of productLines) {
    const forLine = inJurisdiction.filter((a) => a.productLines.includes(line));
    if (forLine.length === 0) return { covered: false, code: codes.productLine, detail: `no ${line} authority in ${jurisdiction}` };
    const forCustomer = customerType === null ? forLine : forLine.filter((a) => a.customerTypes?.includes(customerType));
    if (forCustomer.length === 0)
      return { covered: false, code: codes.customerType, detail: `${line} in ${jurisdiction} not for ${customerType} customers` };
    if (forCustomer.some((a) => isValidAt(a, at))) continue;
    const inactive = forCustomer.find((a) => a.status !== 'active');
    if (inactive) return { covered: false, code: codes.inactive, detail: `${inactive.id} is ${inactive.status}` };
    const future = forCustomer.find((a) => a.validFromMs > at);
    if (future)
      return { covered: false, code: codes.notYetValid, detail: `${future.id} valid from ${new Date(future.validFromMs).toISOString()}` };
    const latest = forCustomer.reduce((x, y) => (y.validToMs > x.validToMs ? y : x));
    return { covered: false, code: codes.expired, detail: `${latest.id} expired ${new Date(latest.validToMs).toISOString()}` };
  }
  throw new Error('diagnose called for covered authorities');
}

export const FIRM_CODES: CoverageCodes = {
  noneInJurisdiction: 'NO_FIRM_LICENCE_FOR_JURISDICTION',
  productLine: 'FIRM_LICENCE_NOT_COVERING_PRODUCT_LINE',
  customerType: 'FIRM_LICENCE_NOT_COVERING_CUSTOMER_TYPE',
  expired: 'FIRM_LICENCE_EXPIRED',
  notYetValid: 'FIRM_LICENCE_NOT_YET_VALID',
  inactive: 'FIRM_LICENCE_INACTIVE',
};

export const INDIVIDUAL_CODES: CoverageCodes = {
  noneInJurisdiction: 'NO_LICENCE_FOR_JURISDICTION',
  productLine: 'LICENCE_NOT_COVERING_PRODUCT_LINE',
  customerType: 'LICENCE_NOT_COVERING_CUSTOMER_TYPE',
  expired: 'LICENCE_EXPIRED',
  notYetValid: 'LICENCE_NOT_YET_VALID',
  inactive: 'LICENCE_INACTIVE',
};

export const APPOINTMENT_CODES: CoverageCodes = {
  noneInJurisdiction: 'NO_CARRIER_APPOINTMENT',
  productLine: 'NO_CARRIER_APPOINTMENT',
  customerType: 'NO_CARRIER_APPOINTMENT',
  expired: 'APPOINTMENT_EXPIRED',
  notYetValid: 'APPOINTMENT_NOT_YET_VALID',
  inactive: 'APPOINTMENT_INACTIVE',
};
