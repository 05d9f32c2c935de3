import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import { checkCoverage, FIRM_CODES } from './licence-coverage.ts';
import { fail, PASS, type TeamCheck } from './eligibility-check.ts';

/** The firm grant: the team's legal entity must hold a licence covering the lead (docs/routing.md "Licence coverage"). */
export const firmLicence: TeamCheck = {
  name: 'firm-licence',
  regulatedOnly: true,
  evaluate(ctx, team) {
    const grants = ctx.org.entityGrants.get(team.entity) ?? [];
    const coverage = checkCoverage(grants, ctx.lead.jurisdiction, ctx.product.productLines, ctx.customer.effectiveType, ctx.at, FIRM_CODES);
    return coverage.covered
      ? { pass: true, reliedOn: coverage.reliedOn }
      : fail(coverage.code, `entity ${team.entity}: ${coverage.detail}`);
  },
};

export const teamMandate: TeamCheck = {
  name: 'team-mandate',
  evaluate(ctx, team) {
    const m = team.mandate;
    if (!m.jurisdictions.some((j) => jurisdictionCovers(j, ctx.lead.jurisdiction)))
      return fail('OUTSIDE_TEAM_MANDATE', `team does not serve ${ctx.lead.jurisdiction}`);
    const missing = ctx.product.productLines.filter((l) => !m.productLines.includes(l));
    if (missing.length > 0) return fail('OUTSIDE_TEAM_MANDATE', `team does not sell ${missing.join(', ')}`);
    // An unregulated team may leave customer types out: it then serves every customer type.
    if (m.customerTypes !== undefined && !m.customerTypes.includes(ctx.customer.effectiveType))
      return fail('OUTSIDE_TEAM_MANDATE', `team does not serve ${ctx.customer.effectiveType} customers`);
    return PASS;
  },
};

export const teamMassMarket: TeamCheck = {
  name: 'team-mass-market',
  regulatedOnly: true,
  evaluate: (ctx, team) =>
    team.massMarketOnly && !ctx.product.massMarket ? fail('MASS_MARKET_ONLY_TEAM', `${ctx.product.id} is not a mass-market product`) : PASS,
};

export const teamAppropriateness: TeamCheck = {
  name: 'team-appropriateness',
  regulatedOnly: true,
  evaluate: (ctx, team) =>
    ctx.appropriatenessRequired && !team.capabilities.includes('appropriateness_assessment')
      ? fail('APPROPRIATENESS_ASSESSMENT_REQUIRED', 'team does not perform appropriateness assessments')
      : PASS,
};

export const teamEnhancedDueDiligence: TeamCheck = {
  name: 'team-edd',
  evaluate: (ctx, team) =>
    ctx.pepEddRequired && !team.capabilities.includes('enhanced_due_diligence')
      ? fail('EDD_REQUIRED_FOR_PEP', 'team is not set up for enhanced due diligence')
      : PASS,
};

export const TEAM_CHECKS: readonly TeamCheck[] = [firmLicence, teamMandate, teamMassMarket, teamAppropriateness, teamEnhancedDueDiligence];
