import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decision/decide.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import { assessCustomer } from '../../src/domain/eligibility/customer-profile.ts';
import { REASON_CODES } from '../../src/domain/eligibility/reason-codes.ts';
import { SuitabilityPolicySchema } from '../../src/domain/org/org-config.schema.ts';
import { EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import { AT, baseConfig, compile, lead } from '../support/org-builder.ts';
import type { LeadInput } from '../../src/domain/lead/lead.schema.ts';

type Cfg = ReturnType<typeof baseConfig>;
const edit = (f: (c: Cfg & Record<string, any>) => void): Cfg => {
  const c = structuredClone(baseConfig()) as Cfg & Record<string, any>;
  f(c);
  return c;
};
const run = (config: Cfg, l: Partial<LeadInput> = {}, at = AT, state: RoutingStateSnapshot = EMPTY_STATE): Decision =>
  decide({ org: compile(config), lead: lead(l), at, state: viewOf(state), decisionId: 'd' }).decision;
const repReasons = (d: Decision, rep: string) =>
  d.candidates
    .flatMap((t) => t.reps)
    .find((r) => r.id === rep)
    ?.reasons.map((r) => r.code);
const teamReasons = (d: Decision, team: string) => d.candidates.find((t) => t.id === team)?.reasons.map((r) => r.code);
const grant = (c: any, id: string) => c.licences.find((g: any) => g.id === id);
const rep = (c: any, id: string) => c.reps.find((r: any) => r.id === id);

describe('firm licence (team) reasons', () => {
  it('NO_FIRM_LICENCE_FOR_JURISDICTION when the entity has nothing in the jurisdiction', () => {
    const c = edit((c) => {
      c.teams[0].entity = 'us-inc';
    });
    expect(teamReasons(run(c), 'uk-1')).toContain('NO_FIRM_LICENCE_FOR_JURISDICTION');
  });
  it('FIRM_LICENCE_NOT_COVERING_PRODUCT_LINE', () => {
    const c = edit((c) => {
      c.products.push({ id: 'mortgage', name: 'Mortgage', productLines: ['mortgages'], targetCustomerTypes: ['retail'] });
      c.teams[0].mandate.productLines.push('mortgages');
      grant(c, 'cert-alice').productLines.push('mortgages');
    });
    expect(teamReasons(run(c, { product: 'mortgage' }), 'uk-1')).toEqual(['FIRM_LICENCE_NOT_COVERING_PRODUCT_LINE']);
  });
  it('FIRM_LICENCE_NOT_COVERING_CUSTOMER_TYPE', () => {
    const c = edit((c) => {
      grant(c, 'fca-uk').customerTypes = ['professional'];
    });
    expect(teamReasons(run(c), 'uk-1')).toContain('FIRM_LICENCE_NOT_COVERING_CUSTOMER_TYPE');
  });
  it('FIRM_LICENCE_EXPIRED / NOT_YET_VALID / INACTIVE', () => {
    const expired = edit((c) => {
      grant(c, 'fca-uk').validTo = '2026-11-23';
      c.licences.push({
        ...grant(c, 'fca-uk'),
        id: 'fca-uk-2',
        jurisdiction: 'GB',
        productLines: ['investments'],
        validFrom: '2020-01-01',
        validTo: undefined,
        customerTypes: ['eligible_counterparty'],
      });
    });
    expect(teamReasons(run(expired), 'uk-1')).toContain('FIRM_LICENCE_EXPIRED');
    const future = edit((c) => {
      grant(c, 'fca-uk').validFrom = '2026-12-01';
      // An ECP-only grant keeps the firm licensed in GB, so the pre-screen passes and the team check is reached.
      c.licences.push({ ...grant(c, 'fca-uk'), id: 'fca-ecp', validFrom: '2019-01-01', customerTypes: ['eligible_counterparty'] });
    });
    expect(teamReasons(run(future), 'uk-1')).toContain('FIRM_LICENCE_NOT_YET_VALID');
    const suspended = edit((c) => {
      grant(c, 'fca-uk').status = 'suspended';
      c.licences.push({ ...grant(c, 'fca-uk'), id: 'fca-ecp', status: 'active', customerTypes: ['eligible_counterparty'] });
    });
    expect(teamReasons(run(suspended), 'uk-1')).toContain('FIRM_LICENCE_INACTIVE');
  });
  it('OUTSIDE_TEAM_MANDATE', () => {
    const c = edit((c) => {
      c.teams[0].mandate.customerTypes = ['professional'];
    });
    expect(teamReasons(run(c), 'uk-1')).toEqual(['OUTSIDE_TEAM_MANDATE']);
  });
});

describe('individual licence and appointment reasons', () => {
  it('LICENCE_EXPIRED the day after validTo, valid through validTo', () => {
    const c = edit((c) => {
      grant(c, 'cert-alice').validTo = '2026-11-23';
    });
    expect(repReasons(run(c), 'alice')).toEqual(['LICENCE_EXPIRED']);
    expect(repReasons(run(c, {}, Date.parse('2026-11-23T23:59:59Z')), 'alice')).toEqual([]);
  });
  it('one published version decides across a grant expiry in any order: reused lawful verdicts never outlive an authority', () => {
    // decision/team-verdict.ts reuses lawful verdicts per (team, lead key) while no authority starts or ends.
    const org = compile(
      edit((c) => {
        grant(c, 'cert-alice').validTo = '2026-11-23';
        grant(c, 'cert-bob').validFrom = '2026-11-25';
      }),
    );
    const at = (iso: string) => Date.parse(iso);
    const reasonsAt = (t: number) => {
      const d = decide({ org, lead: lead(), at: t, state: viewOf(EMPTY_STATE), decisionId: 'd' }).decision;
      return { alice: repReasons(d, 'alice'), bob: repReasons(d, 'bob') };
    };
    const before = at('2026-11-23T23:59:59.999Z');
    const after = at('2026-11-24T00:00:00Z');
    const bobFrom = at('2026-11-25T00:00:00Z');
    for (const t of [before, after, before, bobFrom - 1, bobFrom, after, bobFrom]) {
      expect(reasonsAt(t).alice, new Date(t).toISOString()).toEqual(t < after ? [] : ['LICENCE_EXPIRED']);
      expect(reasonsAt(t).bob, new Date(t).toISOString()).toEqual(t < bobFrom ? ['LICENCE_NOT_YET_VALID'] : []);
    }
  });
  it('LICENCE_NOT_YET_VALID, LICENCE_INACTIVE, LICENCE_NOT_COVERING_CUSTOMER_TYPE, NO_LICENCE_FOR_JURISDICTION', () => {
    const c = edit((c) => {
      grant(c, 'cert-alice').validFrom = '2026-12-01';
      grant(c, 'cert-bob').status = 'revoked';
      grant(c, 'cert-carol').customerTypes = ['professional'];
    });
    const d = run(c);
    expect(repReasons(d, 'alice')).toEqual(['LICENCE_NOT_YET_VALID']);
    expect(repReasons(d, 'bob')).toEqual(['LICENCE_INACTIVE']);
    expect(repReasons(d, 'carol')).toEqual(['LICENCE_NOT_COVERING_CUSTOMER_TYPE']);
    const noGb = edit((c) => {
      grant(c, 'cert-alice').jurisdiction = 'IE';
    });
    expect(repReasons(run(noGb), 'alice')).toEqual(['NO_LICENCE_FOR_JURISDICTION']);
  });
  it('APPOINTMENT_EXPIRED / APPOINTMENT_NOT_YET_VALID / APPOINTMENT_INACTIVE', () => {
    const l = { jurisdiction: 'US-TX', product: 'term-life' };
    const ended = edit((c) => {
      c.appointments[0].validTo = '2026-11-01';
    });
    expect(repReasons(run(ended, l), 'tex')).toEqual(['APPOINTMENT_EXPIRED']);
    const later = edit((c) => {
      c.appointments[0].validFrom = '2027-01-01';
    });
    expect(repReasons(run(later, l), 'tex')).toEqual(['APPOINTMENT_NOT_YET_VALID']);
    const terminated = edit((c) => {
      c.appointments[0].status = 'revoked';
    });
    expect(repReasons(run(terminated, l), 'tex')).toEqual(['APPOINTMENT_INACTIVE']);
  });
});

describe('suitability gates', () => {
  it('complex product for retail without appropriateness: only assessors (team and rep)', () => {
    const c = edit((c) => {
      c.teams[1].capabilities = ['appropriateness_assessment'];
    });
    const d = run(c, { product: 'cfd' });
    expect(d.constraints.appropriateness).toEqual({ required: true, valid: false });
    expect(teamReasons(d, 'uk-1')).toEqual(['APPROPRIATENESS_ASSESSMENT_REQUIRED']);
    expect(d.team?.id).toBe('uk-2');
    // With a valid assessment the lead goes to product reps as normal.
    const assessed = run(c, { product: 'cfd', customer: { appropriateness: { assessedAt: '2026-10-01', result: 'appropriate' } } });
    expect(assessed.constraints.appropriateness.required).toBe(false);
    expect(assessed.team?.id).toBe('uk-1');
  });
  it('mass-market-only team and rep are excluded from non-mass-market products', () => {
    const c = edit((c) => {
      c.teams[0].massMarketOnly = true;
      rep(c, 'carol').massMarketOnly = true;
    });
    const d = run(c, { product: 'cfd', customer: { appropriateness: { assessedAt: '2026-10-01', result: 'appropriate' } } });
    expect(teamReasons(d, 'uk-1')).toEqual(['MASS_MARKET_ONLY_TEAM']);
    expect(repReasons(d, 'carol')).toEqual(['MASS_MARKET_ONLY_REP']);
    expect(d.outcome).toBe('REFUSED');
  });
  it('PEP leads go only to enhanced-due-diligence teams (or are held, per policy)', () => {
    const c = edit((c) => {
      c.teams[1].capabilities = ['enhanced_due_diligence'];
    });
    const d = run(c, { screening: { status: 'pep', tags: ['pep'] } });
    expect(teamReasons(d, 'uk-1')).toEqual(['EDD_REQUIRED_FOR_PEP']);
    expect(d.team?.id).toBe('uk-2');
    const hold = edit((c) => {
      c.suitability = { pep: { mode: 'hold' } };
    });
    expect(run(hold, { screening: { status: 'pep', tags: ['pep'] } }).reasons[0]?.code).toBe('PEP_REQUIRES_REVIEW');
  });
  it('PRODUCT_OUTSIDE_TARGET_MARKET and RETAIL_STATUS_REQUIRED refuse before any rule', () => {
    expect(run(baseConfig(), { product: 'pro-fund' }).reasons[0]?.code).toBe('PRODUCT_OUTSIDE_TARGET_MARKET');
    const d = run(baseConfig(), { product: 'nmmi', customer: { statuses: [{ kind: 'hnw', certifiedAt: '2025-10-20' }] } });
    expect(d.outcome).toBe('REFUSED');
    expect(d.reasons[0]?.code).toBe('RETAIL_STATUS_REQUIRED');
    expect(d.reasons[0]?.detail).toContain('hnw statement of 2025-10-20 expired');
    expect(run(baseConfig(), { product: 'nmmi', customer: { statuses: [{ kind: 'hnw', certifiedAt: '2026-01-20' }] } }).outcome).toBe(
      'ASSIGNED',
    );
  });
});

describe('availability reasons', () => {
  it('REP_PAUSED, REP_INACTIVE, OUT_OF_OFFICE, OUT_OF_HOURS, CAPACITY_REACHED, DAILY_CAP_REACHED', () => {
    const c = edit((c) => {
      rep(c, 'alice').status = 'paused';
      rep(c, 'bob').outOfOffice = [{ from: '2026-11-20', to: '2026-11-27', reason: 'leave' }];
      rep(c, 'carol').workingHours = { mon: ['09:00-12:00'], tue: ['09:00-12:00'] };
    });
    const d = run(c);
    expect(repReasons(d, 'alice')).toEqual(['REP_PAUSED']);
    expect(repReasons(d, 'bob')).toEqual(['OUT_OF_OFFICE']);
    expect(repReasons(d, 'carol')).toEqual(['OUT_OF_HOURS']);
    expect(d.outcome).toBe('QUEUED');
    const inactive = edit((c) => {
      rep(c, 'alice').status = 'inactive';
    });
    expect(repReasons(run(inactive), 'alice')).toEqual(['REP_INACTIVE']);
    const capped = edit((c) => {
      rep(c, 'alice').capacity = { maxOpenLeads: 2 };
      rep(c, 'bob').capacity = { maxLeadsPerDay: 1 };
    });
    const state: RoutingStateSnapshot = {
      pools: {},
      loads: { alice: { open: 2, day: '2026-11-20', today: 0 }, bob: { open: 0, day: '2026-11-24', today: 1 } },
    };
    const dc = run(capped, {}, AT, state);
    expect(repReasons(dc, 'alice')).toEqual(['CAPACITY_REACHED']);
    expect(repReasons(dc, 'bob')).toEqual(['DAILY_CAP_REACHED']);
    // The daily counter belongs to the rep's own calendar day: the next day it is free again.
    expect(repReasons(run(capped, {}, Date.parse('2026-11-25T10:00:00Z'), state), 'bob')).toEqual([]);
  });
  it('working hours follow the rep time zone across DST (London: BST in July, GMT in November)', () => {
    const c = edit((c) => {
      rep(c, 'alice').workingHours = {
        mon: ['09:00-17:00'],
        tue: ['09:00-17:00'],
        wed: ['09:00-17:00'],
        thu: ['09:00-17:00'],
        fri: ['09:00-17:00'],
      };
    });
    // 08:30Z is 09:30 BST on Tue 14 July 2026 but 08:30 GMT on Tue 24 Nov 2026.
    expect(repReasons(run(c, {}, Date.parse('2026-07-14T08:30:00Z')), 'alice')).toEqual([]);
    expect(repReasons(run(c, {}, Date.parse('2026-11-24T08:30:00Z')), 'alice')).toEqual(['OUT_OF_HOURS']);
  });
  it('a rule may route regardless of working hours', () => {
    const c = edit((c) => {
      for (const r of c.reps) r.workingHours = { mon: ['09:00-10:00'] };
      c.rules[0].then.respectWorkingHours = false;
    });
    expect(run(c).outcome).toBe('ASSIGNED');
  });
});

describe('customer classification (docs/routing.md "Customer profile")', () => {
  const policy = SuitabilityPolicySchema.parse({});
  it('elective professional meeting 1 of 3 criteria stays retail (scenario 9); 2 of 3 is professional', () => {
    const one = lead({
      customer: {
        classification: {
          category: 'professional',
          basis: 'elective',
          evidenceDate: '2026-06-01',
          criteria: { portfolioValue: 800_000, significantTradesPerQuarter: [2, 3, 1, 4], yearsInFinance: 0 },
        },
      },
    });
    const p1 = assessCustomer(one, policy, AT);
    expect(p1.effectiveType).toBe('retail');
    expect(p1.findings.map((f) => f.code)).toEqual(['ELECTIVE_PROFESSIONAL_CRITERIA_NOT_MET']);
    const two = lead({
      customer: {
        classification: {
          category: 'professional',
          basis: 'elective',
          evidenceDate: '2026-06-01',
          criteria: { portfolioValue: 800_000, significantTradesPerQuarter: [10, 12, 11, 15], yearsInFinance: 0 },
        },
      },
    });
    expect(assessCustomer(two, policy, AT).effectiveType).toBe('professional');
  });
  it('expired classification evidence reverts to retail', () => {
    const l = lead({ customer: { classification: { category: 'professional', basis: 'per_se', evidenceDate: '2025-10-01' } } });
    const p = assessCustomer(l, policy, AT);
    expect(p.effectiveType).toBe('retail');
    expect(p.findings[0]?.code).toBe('CLASSIFICATION_EVIDENCE_EXPIRED');
  });
  it('per-se large undertaking needs 2 of 3 size criteria', () => {
    const l = lead({
      customer: {
        kind: 'organisation',
        classification: {
          category: 'professional',
          basis: 'per_se',
          evidenceDate: '2026-06-01',
          criteria: { balanceSheet: 25e6, turnover: 10e6, ownFunds: 1e6 },
        },
      },
    });
    expect(assessCustomer(l, policy, AT).findings[0]?.code).toBe('PER_SE_PROFESSIONAL_CRITERIA_NOT_MET');
  });
  it('an HNW statement is valid 12 months (scenario 7: 13 months old → no status)', () => {
    const l = lead({ customer: { statuses: [{ kind: 'hnw', certifiedAt: '2025-10-24' }] } });
    const p = assessCustomer(l, policy, AT);
    expect(p.validStatuses).toEqual([]);
    expect(p.findings[0]?.code).toBe('STATUS_EXPIRED');
  });
});

describe('reason code catalogue', () => {
  it('every code has a category and a description', () => {
    for (const [code, def] of Object.entries(REASON_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(def.description.length).toBeGreaterThan(10);
    }
  });
});

describe('regressions found against the example org', () => {
  it("day-only out-of-office is a whole day in the rep's own time zone", () => {
    const c = edit((c) => {
      rep(c, 'tex').outOfOffice = [{ from: '2026-11-25', to: '2026-11-25' }];
    });
    const l = { jurisdiction: 'US-TX', product: 'term-life' };
    // 23:30 on Tue 24 Nov in Chicago (05:30Z on the 25th): still at work.
    expect(repReasons(run(c, l, Date.parse('2026-11-25T05:30:00Z')), 'tex')).toEqual([]);
    // 10:00 on Wed 25 Nov in Chicago: away; back at Chicago midnight.
    const away = run(c, l, Date.parse('2026-11-25T16:00:00Z'));
    expect(repReasons(away, 'tex')).toEqual(['OUT_OF_OFFICE']);
    expect(away.candidates[0]!.reps.find((r) => r.id === 'tex')!.reasons[0]!.detail).toBe('until 2026-11-26T06:00:00.000Z');
  });
  it('a licence with a declared time zone is valid through the end of its last local day', () => {
    const c = edit((c) => {
      Object.assign(grant(c, 'tex-life'), { validTo: '2026-11-24', timeZone: 'America/Chicago' });
    });
    const l = { jurisdiction: 'US-TX', product: 'term-life' };
    expect(repReasons(run(c, l, Date.parse('2026-11-25T05:59:00Z')), 'tex')).toEqual([]);
    expect(repReasons(run(c, l, Date.parse('2026-11-25T06:00:00Z')), 'tex')).toEqual(['LICENCE_EXPIRED']);
  });
  it('carrier appointments need only cover the appointment lines', () => {
    const c = edit((c) => {
      const va = c.products.find((p: any) => p.id === 'va');
      Object.assign(va, { requiresAppointment: true, carrier: 'carrier-a', appointmentLines: ['variable_annuity'] });
      c.appointments.push({
        id: 'ap-val',
        rep: 'val',
        carrier: 'carrier-a',
        jurisdiction: 'US-TX',
        productLines: ['variable_annuity'],
        validFrom: '2020-01-01',
      });
    });
    const d = run(c, { jurisdiction: 'US-TX', product: 'va' });
    expect(d.rep?.id).toBe('val');
    expect(d.candidates[0]!.reps.find((r) => r.id === 'val')!.reliedOn).toEqual(['val-life', 'val-s6', 'ap-val']);
  });
  it('a professional claim without an evidence date is treated as retail', () => {
    const p = assessCustomer(lead({ customer: { classification: { category: 'professional' } } }), SuitabilityPolicySchema.parse({}), AT);
    expect(p.effectiveType).toBe('retail');
    expect(p.findings).toEqual([{ code: 'CLASSIFICATION_EVIDENCE_MISSING', detail: 'professional claimed without an evidence date' }]);
  });
  it('elective professional trades criterion is an average over the quarters (MiFID II Annex II)', () => {
    const l = lead({
      customer: {
        classification: {
          category: 'professional',
          basis: 'elective',
          evidenceDate: '2026-06-01',
          criteria: { significantTradesPerQuarter: [12, 8, 15, 10], yearsInFinance: 2 },
        },
      },
    });
    expect(assessCustomer(l, SuitabilityPolicySchema.parse({}), AT).effectiveType).toBe('professional');
    const low = lead({
      customer: {
        classification: {
          category: 'professional',
          basis: 'elective',
          evidenceDate: '2026-06-01',
          criteria: { significantTradesPerQuarter: [12, 8, 5, 10], yearsInFinance: 2 },
        },
      },
    });
    expect(assessCustomer(low, SuitabilityPolicySchema.parse({}), AT).effectiveType).toBe('retail');
  });
  it("records each rep's relied-on licences with regulator, validity and source", () => {
    const c = edit((c) => {
      grant(c, 'cert-alice').sourceRef = 'FCA FS Register 2026-11-20';
    });
    const alice = run(c).candidates[0]!.reps.find((r) => r.id === 'alice')!;
    expect(alice.licences).toEqual([
      {
        id: 'cert-alice',
        regulator: 'FCA',
        jurisdiction: 'GB',
        activity: 'certification',
        productLines: ['investments'],
        customerTypes: ['retail', 'professional'],
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
        status: 'active',
        sourceRef: 'FCA FS Register 2026-11-20',
      },
    ]);
  });
});
