import type { Lead } from '../lead/lead.ts';
import { MIFID_CUSTOMER_TYPES, type CustomerType, type SuitabilityPolicy } from '../org/org-config.schema.ts';
import type { CustomerStatusKind } from '../lead/lead.schema.ts';
import { addMonths, parseStart } from '../shared/dates.ts';
import { toIso } from '../shared/zoned-time.ts';

/**
 * The customer as the rules must treat them at decision time (docs/routing.md "Customer profile"): a claimed
 * professional who meets too few criteria, or whose evidence expired, is retail; an expired
 * HNW statement is no status at all.
 */
export interface CustomerProfile {
  readonly declaredType: CustomerType;
  readonly effectiveType: CustomerType;
  readonly validStatuses: readonly CustomerStatusKind[];
  readonly appropriatenessValid: boolean;
  /** Why the effective view differs from what was declared; empty when it does not. */
  readonly findings: readonly ProfileFinding[];
}

export interface ProfileFinding {
  readonly code:
    | 'CLASSIFICATION_EVIDENCE_MISSING'
    | 'CLASSIFICATION_EVIDENCE_EXPIRED'
    | 'ELECTIVE_PROFESSIONAL_CRITERIA_NOT_MET'
    | 'PER_SE_PROFESSIONAL_CRITERIA_NOT_MET'
    | 'STATUS_EXPIRED'
    | 'APPROPRIATENESS_EXPIRED'
    | 'APPROPRIATENESS_NEGATIVE';
  readonly detail: string;
}

export function assessCustomer(lead: Lead, policy: SuitabilityPolicy, at: number): CustomerProfile {
  const findings: ProfileFinding[] = [];
  const c = lead.customer.classification;
  let effectiveType: CustomerType = c.category;

  // Any MiFID classification above retail needs dated evidence (docs/routing.md "Customer profile"); without it, retail.
  // An org's own types (smb, enterprise …; unregulated lines only) are taken as declared: MiFID's evidence rules do not apply.
  if (c.category !== 'retail' && MIFID_CUSTOMER_TYPES.includes(c.category)) {
    if (!c.evidenceDate) {
      findings.push({
        code: 'CLASSIFICATION_EVIDENCE_MISSING',
        detail: `${c.basis === 'default' ? '' : `${c.basis} `}${c.category} claimed without an evidence date`,
      });
      effectiveType = 'retail';
    } else {
      const expires = addMonths(parseStart(c.evidenceDate), policy.classificationEvidenceValidityMonths);
      if (expires <= at) {
        findings.push({ code: 'CLASSIFICATION_EVIDENCE_EXPIRED', detail: `evidence dated ${c.evidenceDate} expired ${toIso(expires)}` });
        effectiveType = 'retail';
      }
    }
    if (effectiveType !== 'retail' && c.basis === 'elective') {
      const p = policy.electiveProfessional;
      // MiFID II Annex II: an *average* frequency of 10 significant trades per quarter over the previous four quarters.
      const trades = (c.criteria.significantTradesPerQuarter ?? []).slice(-p.quartersObserved);
      const averageTrades = trades.length >= p.quartersObserved ? trades.reduce((a, b) => a + b, 0) / trades.length : 0;
      const met = [
        (c.criteria.portfolioValue ?? 0) > p.portfolioOver,
        averageTrades >= p.significantTradesPerQuarter,
        (c.criteria.yearsInFinance ?? 0) >= p.minYearsInFinance,
      ].filter(Boolean).length;
      if (met < p.minCriteria) {
        findings.push({ code: 'ELECTIVE_PROFESSIONAL_CRITERIA_NOT_MET', detail: `${met} of 3 criteria met, ${p.minCriteria} required` });
        effectiveType = 'retail';
      }
    }
    if (effectiveType !== 'retail' && c.basis === 'per_se' && lead.customer.kind === 'organisation') {
      const p = policy.perSeLargeUndertaking;
      const met = [
        (c.criteria.balanceSheet ?? 0) >= p.balanceSheetAtLeast,
        (c.criteria.turnover ?? 0) >= p.turnoverAtLeast,
        (c.criteria.ownFunds ?? 0) >= p.ownFundsAtLeast,
      ].filter(Boolean).length;
      if (met < p.minCriteria) {
        findings.push({ code: 'PER_SE_PROFESSIONAL_CRITERIA_NOT_MET', detail: `${met} of 3 size criteria met, ${p.minCriteria} required` });
        effectiveType = 'retail';
      }
    }
  }

  const validStatuses: CustomerStatusKind[] = [];
  for (const s of lead.customer.statuses) {
    const months = policy.statusValidityMonths[s.kind] ?? 12;
    const expires = addMonths(parseStart(s.certifiedAt), months);
    if (expires > at) validStatuses.push(s.kind);
    else
      findings.push({
        code: 'STATUS_EXPIRED',
        detail: `${s.kind} statement of ${s.certifiedAt} expired ${toIso(expires)} (valid ${months} months)`,
      });
  }

  let appropriatenessValid = false;
  const a = lead.customer.appropriateness;
  if (a) {
    const expires = addMonths(parseStart(a.assessedAt), policy.appropriateness.validityMonths);
    if (a.result !== 'appropriate')
      findings.push({ code: 'APPROPRIATENESS_NEGATIVE', detail: `assessment of ${a.assessedAt} found the product not appropriate` });
    else if (expires <= at)
      findings.push({ code: 'APPROPRIATENESS_EXPIRED', detail: `assessment of ${a.assessedAt} expired ${toIso(expires)}` });
    else appropriatenessValid = true;
  }

  return { declaredType: c.category, effectiveType, validStatuses, appropriatenessValid, findings };
}
