import { describe, expect, it } from 'vitest';
import { decide, routingScope } from '../../src/domain/decision/decide.ts';
import { explainDecision } from '../../src/domain/decision/explain.ts';
import { holderLawfulness } from '../../src/domain/decision/lawful-holder.ts';
import { OrgConfigSchema } from '../../src/domain/org/org-config.schema.ts';
import { canonicalJson } from '../../src/domain/shared/canonical-json.ts';
import { EMPTY_STATE, viewOf } from '../../src/domain/strategies/routing-state.ts';
import { compileConfigObject } from '../../src/config/load-config.ts';
import { normaliseIntakeFor } from '../../src/domain/org/intake-product.ts';
import { baseConfig, compile, lead } from '../support/org-builder.ts';
import { saasConfig } from '../support/saas-org.ts';

/** Tuesday 24 Nov 2026, 14:00 UTC: 15:00 in Berlin, 09:00 in New York. */
const AT = Date.parse('2026-11-24T14:00:00Z');
const route = (config: Record<string, unknown>, overrides: Parameters<typeof lead>[0], state = EMPTY_STATE) =>
  decide({ org: compile(config), lead: lead({ product: 'platform', ...overrides }), at: AT, state: viewOf(state), decisionId: 'd1' })
    .decision;
const codes = (d: { reasons: readonly { code: string }[] }) => d.reasons.map((r) => r.code);

describe('unregulated lines (docs/routing.md "Regulated and unregulated lines")', () => {
  it('an org without a single licence routes: no JURISDICTION_NOT_LICENSED, licensing not_applicable with its reason', () => {
    const d = route(saasConfig(), { jurisdiction: 'DE' });
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.rep?.id).toBe('eva');
    expect(d.licensing).toEqual({
      status: 'not_applicable',
      code: 'UNREGULATED_LINE',
      detail: 'saas unregulated in DE: no licence, appointment or suitability checks',
    });
    // No licence verdicts were asked of anyone.
    expect(d.candidates.flatMap((t) => t.reps.flatMap((r) => codes(r)))).toEqual([]);
    expect(explainDecision(d)).toContain('Licensing: not_applicable — UNREGULATED_LINE');
  });

  it('customer types: checked only where the team declares them; no target-market gate', () => {
    // services targets professionals only: a retail lead is not refused at the gate (no suitability for unregulated lines) …
    const retail = route(saasConfig(), { jurisdiction: 'US-NY', product: 'services' });
    expect(codes(retail)).not.toContain('PRODUCT_OUTSIDE_TARGET_MARKET');
    // … but ae-pro declares professional only, so its mandate turns the retail customer away.
    expect(retail.candidates[0]?.reasons.map((r) => r.detail)).toEqual(['team does not serve retail customers']);
    const pro = route(saasConfig(), {
      jurisdiction: 'US-NY',
      product: 'services',
      customer: { classification: { category: 'professional', evidenceDate: '2026-06-01' } },
    });
    expect(pro.outcome).toBe('ASSIGNED');
    expect(pro.rep?.id).toBe('ada');
    // sdr-us declares no customer types: it serves every type.
    expect(route(saasConfig(), { jurisdiction: 'US-NY' }).team?.id).toBe('sdr-us');
  });

  it('nobody may take it: the fallback owner (owner of last resort, even at capacity), never the compliance queue', () => {
    // BR: no rule matches; the org fallback is ops-olga, whose one open lead already fills her cap.
    const atCap = { ...EMPTY_STATE, loads: { 'ops-olga': { open: 1, day: '2026-11-24', today: 1 } } };
    const d = route(saasConfig(), { jurisdiction: 'BR' }, atCap);
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.rep?.id).toBe('ops-olga');
    expect(d.team?.id).toBe('ops');
    expect(codes(d)).toEqual(['FALLBACK_OWNER', 'NO_RULE_MATCHED']);
    expect(routingScope(compile(saasConfig()), lead({ product: 'platform', jurisdiction: 'BR' }), AT).repIds).toEqual(['ops-olga']);
  });

  it('a fallback owner who has left is not assigned: the lead waits in the ops queue', () => {
    const config = saasConfig();
    config['reps'] = (config['reps'] as { id: string }[]).map((r) => (r.id === 'ops-olga' ? { ...r, status: 'left' } : r));
    const d = route(config, { jurisdiction: 'BR' });
    expect(d.outcome).toBe('QUEUED');
    expect(d.team).toBeNull();
    expect(codes(d)).toEqual(['FALLBACK_OPS_QUEUE', 'NO_RULE_MATCHED']);
    expect(d.reasons[0]?.detail).toBe('fallback owner ops-olga is left: waits in the ops queue instead');
    expect(d.summary).toBe('Lead L-1 queued for ops: FALLBACK_OPS_QUEUE');
  });

  it("a rule's fallback overrides the org's: APAC leads nobody covers go to the ops queue", () => {
    const d = route(saasConfig(), { jurisdiction: 'JP' });
    expect(d.outcome).toBe('QUEUED');
    expect(codes(d)).toEqual(['FALLBACK_OPS_QUEUE', 'NO_LAWFUL_CANDIDATE']);
    expect(d.candidates.map((t) => t.id)).toEqual(['sdr-eu']);
  });

  it('an unregulated lead out of hours still waits for its team (QUEUED NO_AVAILABLE_REP), not for the fallback', () => {
    const d = decide({
      org: compile(saasConfig()),
      lead: lead({ product: 'platform', jurisdiction: 'DE' }),
      at: Date.parse('2026-11-26T14:00:00Z'), // a Thursday: Eva works Monday and Tuesday only
      state: viewOf(EMPTY_STATE),
      decisionId: 'd1',
    }).decision;
    expect(d.outcome).toBe('QUEUED');
    expect(codes(d)).toEqual(['NO_AVAILABLE_REP']);
  });
});

describe('regulated lines: nothing changes', () => {
  /** The bank test org, with its UK investments declared unregulated (an illustration: mixed orgs). */
  const mixed = (): Record<string, unknown> => ({
    ...baseConfig(),
    regulation: { default: 'regulated', unregulated: [{ productLines: ['investments'], jurisdictions: ['GB'] }] },
  });

  it('an org without a regulation section keeps its canonical form and its decisions carry no licensing field', () => {
    const parsed = OrgConfigSchema.parse(baseConfig());
    const text = canonicalJson(parsed);
    for (const key of ['"regulation"', '"fallback"', '"defaultProduct"']) expect(text).not.toContain(key);
    const d = decide({ org: compile(), lead: lead(), at: AT, state: viewOf(EMPTY_STATE), decisionId: 'd1' }).decision;
    expect('licensing' in d).toBe(false);
    expect(explainDecision(d)).not.toContain('Licensing');
  });

  it('in a mixed org a regulated lead is checked exactly as before; the unregulated line skips licences', () => {
    const va = lead({ jurisdiction: 'US-TX', product: 'va' });
    const before = decide({ org: compile(), lead: va, at: AT, state: viewOf(EMPTY_STATE), decisionId: 'd1' }).decision;
    const after = decide({ org: compile(mixed()), lead: va, at: AT, state: viewOf(EMPTY_STATE), decisionId: 'd1' }).decision;
    expect(after.licensing?.status).toBe('checked');
    expect(after.licensing?.code).toBe('REGULATED_LINE');
    expect({ ...after, ruleSet: null, licensing: null }).toEqual({ ...before, ruleSet: null, licensing: null });
    // GB investments are unregulated now: a rep whose certification lapsed may take the lead.
    const config = mixed();
    config['licences'] = (config['licences'] as { id: string }[]).filter((l) => l.id !== 'cert-alice' && l.id !== 'fca-uk');
    const gb = decide({ org: compile(config), lead: lead(), at: AT, state: viewOf(EMPTY_STATE), decisionId: 'd1' }).decision;
    expect(gb.outcome).toBe('ASSIGNED');
    expect(gb.licensing?.status).toBe('not_applicable');
    expect(holderLawfulness(compile(config), lead(), AT, 'alice')).toEqual({ lawful: true, reasons: [] });
    // The same lead in the all-regulated org without those licences: refused at pre-screen.
    const regulated = { ...config, regulation: undefined };
    expect(codes(decide({ org: compile(regulated), lead: lead(), at: AT, state: viewOf(EMPTY_STATE), decisionId: 'd1' }).decision)).toEqual(
      ['JURISDICTION_NOT_LICENSED'],
    );
  });

  it('regulated wins: a regulated scope overrides an unregulated default', () => {
    const bare: Record<string, unknown> = {
      ...saasConfig(),
      regulation: { default: 'unregulated', regulated: [{ jurisdictions: ['US-NY'] }] },
    };
    // A US team reaches regulated New York: it must say which (MiFID) customer types it serves.
    const problems = compileConfigObject(bare);
    expect(problems.ok ? [] : problems.error.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'teams[0].mandate.customerTypes: required: the team serves regulated lines (saas in US, services in US)',
      'teams[3].mandate.customerTypes: required: the team serves regulated lines (saas in US)',
    ]);
    const config = {
      ...bare,
      teams: (bare['teams'] as { mandate: object }[]).map((t) => ({
        ...t,
        mandate: { customerTypes: ['retail', 'professional'], ...t.mandate },
      })),
    };
    const d = route(config, { jurisdiction: 'US-NY' });
    expect(d.licensing?.status).toBe('checked');
    expect(codes(d)).toEqual(['JURISDICTION_NOT_LICENSED']);
    expect(route(config, { jurisdiction: 'US-CA' }).licensing?.status).toBe('not_applicable');
  });

  it('the config is checked: customer types for regulated teams, fallback owner, default product, scope lines', () => {
    const config = {
      ...saasConfig(),
      regulation: { default: 'unregulated', regulated: [{ productLines: ['services'] }], unregulated: [{ productLines: ['crypto'] }] },
      fallback: { kind: 'owner', rep: 'nobody' },
      defaultProduct: 'nothing',
    };
    const result = compileConfigObject(config);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'regulation.unregulated[0].productLines[0]: product line "crypto" is not used by any product',
      'fallback.rep: unknown rep "nobody"',
      'defaultProduct: unknown product "nothing"',
      'teams[0].mandate.customerTypes: required: the team serves regulated lines (services in US, services in CA)',
    ]);
  });
});

describe('customer types (docs/routing.md "Customer types")', () => {
  /** The SaaS org with its own segments instead of MiFID's categories. */
  const segmented = (): Record<string, unknown> => {
    const config = saasConfig();
    config['customerTypes'] = ['smb', 'mid_market', 'enterprise'];
    config['products'] = [
      { id: 'platform', name: 'Platform', productLines: ['saas'], targetCustomerTypes: ['smb', 'mid_market', 'enterprise'] },
      { id: 'services', name: 'Services', productLines: ['services'], targetCustomerTypes: ['enterprise'] },
    ];
    config['teams'] = (config['teams'] as { id: string; mandate: object }[]).map((t) =>
      t.id === 'ae-pro' ? { ...t, mandate: { ...t.mandate, customerTypes: ['enterprise'] } } : t,
    );
    return config;
  };

  it("an org's own types are taken as declared (no MiFID evidence rules) and checked against a team's mandate", () => {
    const enterprise = route(segmented(), {
      jurisdiction: 'US-NY',
      product: 'services',
      customer: { classification: { category: 'enterprise' } },
    });
    expect(enterprise.constraints.customerType).toEqual({ declared: 'enterprise', effective: 'enterprise', findings: [] });
    expect(enterprise.rep?.id).toBe('ada');
    const smb = route(segmented(), { jurisdiction: 'US-NY', product: 'services', customer: { classification: { category: 'smb' } } });
    expect(smb.candidates[0]?.reasons.map((r) => r.detail)).toEqual(['team does not serve smb customers']);
  });

  it('intake: a lead without a type gets the first declared one; an unknown type is a field-level error', () => {
    const org = compile(segmented());
    const base = { source: 'chat', person: { email: 'jo@example.com' }, address: { country: 'US', state: 'NY' } };
    const plain = normaliseIntakeFor(org, base, { at: AT });
    expect(plain.ok && plain.value.lead.customer.classification.category).toBe('smb');
    const bad = normaliseIntakeFor(org, { ...base, customer: { classification: { category: 'retail' } } }, { at: AT });
    expect(bad.ok ? null : bad.error).toEqual([
      {
        path: '/customer/classification/category',
        code: 'unknown_customer_type',
        message: 'unknown customer type "retail" (known: smb, mid_market, enterprise)',
      },
    ]);
    // Without a customerTypes list nothing changes: retail by default, as for every bank lead.
    const bank = normaliseIntakeFor(compile(), { ...base, product: 'isa', address: { country: 'GB' } }, { at: AT });
    expect(bank.ok && bank.value.lead.customer.classification.category).toBe('retail');
  });

  it("regulated lines keep MiFID's types: a custom type on a regulated product, team or licence is a config error", () => {
    const config = { ...segmented(), regulation: { default: 'unregulated', regulated: [{ productLines: ['services'] }] } };
    const result = compileConfigObject(config);
    const mifidOnly = `"enterprise" on a regulated line: regulated lines use MiFID's retail, professional, eligible_counterparty`;
    expect(result.ok ? [] : result.error.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `teams[0].mandate.customerTypes: required: the team serves regulated lines (services in US, services in CA)`,
      `products[1].targetCustomerTypes[0]: ${mifidOnly}`,
      `teams[2].mandate.customerTypes[0]: ${mifidOnly}`,
    ]);
    const unknown = compileConfigObject({
      ...segmented(),
      products: [{ id: 'platform', name: 'P', productLines: ['saas'], targetCustomerTypes: ['vip'] }],
    });
    expect(unknown.ok ? [] : unknown.error.map((p) => p.message)).toContain(
      'unknown customer type "vip" (known: smb, mid_market, enterprise)',
    );
  });
});
