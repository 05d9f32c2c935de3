import type { Applicability, DecisionContext } from '../eligibility/eligibility-check.ts';
import type { DecisionOutcome, DecisionReason } from './decision.ts';
import { STALE_LIST_TAG } from '../lead/stale-list-tag.ts';

/** Lead-level gates run before any rule: no rule can route around them. */
export interface LeadGate extends Applicability {
  readonly name: string;
  evaluate(ctx: DecisionContext): { readonly outcome: DecisionOutcome; readonly reason: DecisionReason } | null;
}

export const screeningGate: LeadGate = {
  name: 'screening',
  evaluate(ctx) {
    const s = ctx.lead.screening;
    if (s.status === 'potential_match')
      return { outcome: 'HELD', reason: { code: 'SCREENING_POTENTIAL_MATCH', detail: `tags: ${s.tags.join(', ') || 'none'}` } };
    if (s.status === 'confirmed_match')
      return { outcome: 'REFUSED', reason: { code: 'SCREENING_CONFIRMED_MATCH', detail: `tags: ${s.tags.join(', ') || 'none'}` } };
    // An instance that knows its list is older than the one in force clears nobody: compliance sees the lead.
    if (s.status === 'not_screened' && s.tags.includes(STALE_LIST_TAG))
      return {
        outcome: 'HELD',
        reason: { code: 'SCREENING_LIST_STALE', detail: 'a screening list here is older than the version in force' },
      };
    if (s.status === 'pep' && ctx.org.suitability.pep.mode === 'hold')
      return { outcome: 'HELD', reason: { code: 'PEP_REQUIRES_REVIEW', detail: 'policy holds PEPs for review' } };
    return null;
  },
};

/** No firm licence (docs/routing.md "Licence coverage"): no valid firm licence anywhere in the jurisdiction → refused at pre-screen. */
export const licensedJurisdictionGate: LeadGate = {
  name: 'licensed-jurisdiction',
  regulatedOnly: true,
  evaluate(ctx) {
    const j = ctx.lead.jurisdiction;
    if (ctx.org.firmGrantsCovering(j).some((g) => g.status === 'active' && g.validFromMs <= ctx.at && ctx.at < g.validToMs)) return null;
    return { outcome: 'REFUSED', reason: { code: 'JURISDICTION_NOT_LICENSED', detail: `the firm holds no valid licence covering ${j}` } };
  },
};

/** docs/intake.md: below the qualification threshold a lead is nurtured, not routed. */
export const qualificationGate: LeadGate = {
  name: 'qualification',
  evaluate(ctx) {
    const q = ctx.lead.qualification;
    if (!q || q.qualified) return null;
    return {
      outcome: 'NURTURE',
      reason: { code: 'BELOW_QUALIFICATION_THRESHOLD', detail: `score ${q.score} (grade ${q.grade}) below ${q.threshold}` },
    };
  },
};

export const targetMarketGate: LeadGate = {
  name: 'target-market',
  regulatedOnly: true,
  evaluate(ctx) {
    const { effectiveType, findings } = ctx.customer;
    if (ctx.product.targetCustomerTypes.includes(effectiveType)) return null;
    const why = findings.length > 0 ? ` (${findings.map((f) => f.detail).join('; ')})` : '';
    return {
      outcome: 'REFUSED',
      reason: {
        code: 'PRODUCT_OUTSIDE_TARGET_MARKET',
        detail: `${ctx.product.id} targets ${ctx.product.targetCustomerTypes.join('/')}; customer is ${effectiveType}${why}`,
      },
    };
  },
};

/** E.g. UK non-mass-market investments: a retail customer needs a valid HNW/sophisticated statement. */
export const retailStatusGate: LeadGate = {
  name: 'retail-status',
  regulatedOnly: true,
  evaluate(ctx) {
    const required = ctx.product.retailRequiresStatus;
    if (ctx.customer.effectiveType !== 'retail' || required.length === 0) return null;
    if (required.some((s) => ctx.customer.validStatuses.includes(s))) return null;
    const expired = ctx.customer.findings.filter((f) => f.code === 'STATUS_EXPIRED').map((f) => f.detail);
    return {
      outcome: 'REFUSED',
      reason: {
        code: 'RETAIL_STATUS_REQUIRED',
        detail: `needs a valid ${required.join(' or ')} status${expired.length ? `; ${expired.join('; ')}` : ''}`,
      },
    };
  },
};

export const LEAD_GATES: readonly LeadGate[] = [
  screeningGate,
  licensedJurisdictionGate,
  qualificationGate,
  targetMarketGate,
  retailStatusGate,
];
