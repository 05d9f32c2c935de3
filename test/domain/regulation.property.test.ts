import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileConfigObject } from '../../src/config/load-config.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import type { Lead } from '../../src/domain/lead/lead.schema.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import { countSeen, covers, JURISDICTIONS, leadArb, LINES, oracle, orgArb, sub, toLead } from './decide-arbitraries.ts';

/**
 * docs/routing.md "Regulated and unregulated lines", for random mixed orgs: the same random orgs as
 * decide.property.test.ts plus a random regulation section (default, regulated and unregulated scopes over product
 * lines × jurisdictions) and a random fallback. The regulated/unregulated verdict is restated here ("regulated wins"),
 * sharing no code with src/domain/org/regulation.ts.
 */
const scopeArb = fc
  .record({ productLines: fc.option(sub(LINES), { nil: undefined }), jurisdictions: fc.option(sub(JURISDICTIONS), { nil: undefined }) })
  .filter((s) => s.productLines !== undefined || s.jurisdictions !== undefined)
  .map((s) => ({
    ...(s.productLines ? { productLines: s.productLines } : {}),
    ...(s.jurisdictions ? { jurisdictions: s.jurisdictions } : {}),
  }));

const regulationArb = fc.record({
  default: fc.constantFrom('regulated' as const, 'unregulated' as const),
  regulated: fc.option(fc.array(scopeArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  unregulated: fc.option(fc.array(scopeArb, { minLength: 1, maxLength: 3 }), { nil: undefined }),
});
interface Scope {
  readonly productLines?: readonly string[];
  readonly jurisdictions?: readonly string[];
}
interface Regulation {
  readonly default: 'regulated' | 'unregulated';
  readonly regulated?: readonly Scope[] | undefined;
  readonly unregulated?: readonly Scope[] | undefined;
}

const fallbackArb = fc.oneof(
  fc.constant(undefined),
  fc.constant({ kind: 'ops-queue' as const }),
  fc.nat().map((n) => ({ kind: 'owner' as const, rep: n })),
);

const mixedArb = fc.record({ config: orgArb, regulation: regulationArb, fallback: fallbackArb }).map(({ config, regulation, fallback }) => {
  const usedLines = new Set<string>(config.products.flatMap((p) => p.productLines));
  const clean = (scopes: readonly Scope[] | undefined) =>
    scopes
      ?.map((s) => (s.productLines ? { ...s, productLines: s.productLines.filter((l) => usedLines.has(l)) } : s))
      .filter((s) => !s.productLines || s.productLines.length > 0);
  const reg = {
    default: regulation.default,
    ...(clean(regulation.regulated)?.length ? { regulated: clean(regulation.regulated) } : {}),
    ...(clean(regulation.unregulated)?.length ? { unregulated: clean(regulation.unregulated) } : {}),
  };
  const fb = fallback?.kind === 'owner' ? { kind: 'owner' as const, rep: `r${fallback.rep % config.reps.length}` } : fallback;
  return { base: config, mixed: { ...config, regulation: reg, ...(fb ? { fallback: fb } : {}) } };
});

const scopeNames = (s: Scope, line: string, j: string) =>
  (!s.productLines || s.productLines.includes(line)) && (!s.jurisdictions || s.jurisdictions.some((x) => covers(x, j)));
const lineRegulated = (reg: Regulation, line: string, j: string) =>
  (reg.regulated ?? []).some((s) => scopeNames(s, line, j))
    ? true
    : (reg.unregulated ?? []).some((s) => scopeNames(s, line, j))
      ? false
      : reg.default === 'regulated';

function compile(config: object): CompiledOrg {
  const compiled = compileConfigObject(config);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
  return compiled.value.org;
}

/** The decision without what names the org version: the rest must be byte-identical between the two orgs. */
const comparable = (d: Decision) => JSON.stringify({ ...d, ruleSet: null, licensing: null });

describe('regulation — properties over mixed orgs', () => {
  it('a regulated lead is never assigned without the grants it needs, and decides exactly as in the all-regulated org', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        mixedArb.chain((m) => fc.tuple(fc.constant(m), fc.array(leadArb(m.base.products.length), { minLength: 1, maxLength: 12 }))),
        ([{ base, mixed }, leads]) => {
          const baseOrg = compile(base);
          const mixedOrg = compile(mixed);
          const reg: Regulation = mixed.regulation;
          let state: RoutingStateSnapshot = EMPTY_STATE;
          leads.forEach((x, i) => {
            const { lead, at }: { lead: Lead; at: number } = toLead(base, x, i);
            const o = oracle(base, lead, at, state);
            const regulated = o.product.productLines.some((l) => lineRegulated(reg, l, lead.jurisdiction));
            const input = { lead, at, state: viewOf(state), decisionId: `d${i}` };
            const m = decide({ ...input, org: mixedOrg });
            const b = decide({ ...input, org: baseOrg });
            expect(m.decision.licensing?.status).toBe(regulated ? 'checked' : 'not_applicable');
            expect(b.decision.licensing).toBeUndefined();
            const key = `${regulated ? 'reg' : 'unreg'}:${m.decision.outcome}:${m.decision.reasons[0]?.code}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
            if (regulated) {
              // Adding unregulated lines changes nothing for a regulated lead: same decision, same state changes.
              expect(comparable(m.decision)).toBe(comparable(b.decision));
              expect(JSON.stringify(m.changes)).toBe(JSON.stringify(b.changes));
              if (m.decision.outcome === 'ASSIGNED') {
                // The grants: the oracle's licence coverage for the assigned team and rep, written without src/domain.
                const team = base.teams.find((t) => t.id === m.decision.team!.id)!;
                const rep = base.reps.find((r) => r.id === m.decision.rep!.id)!;
                expect(o.teamLawful(team)).toBe(true);
                expect(o.repLawful(rep, team)).toBe(true);
              }
            } else {
              // Unregulated: never refused for licences, never sent to compliance for lack of candidates.
              expect(m.decision.reasons.map((r) => r.code)).not.toContain('JURISDICTION_NOT_LICENSED');
              if (m.decision.outcome === 'REFUSED')
                expect(['PRODUCT_OUTSIDE_TARGET_MARKET', 'NO_LAWFUL_CANDIDATE', 'NO_RULE_MATCHED']).not.toContain(
                  m.decision.reasons[0]?.code,
                );
              if (m.decision.outcome === 'ASSIGNED') {
                const rep = base.reps.find((r) => r.id === m.decision.rep!.id)!;
                if (m.decision.reasons[0]?.code === 'FALLBACK_OWNER') {
                  expect((mixed as { fallback?: { rep?: string } }).fallback?.rep).toBe(rep.id);
                  expect(['inactive', 'left']).not.toContain(rep.status);
                } else expect(o.repAvailable(rep)).toBe(true);
              }
            }
            state = applyChanges(state, m.changes);
          });
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) },
    );
    const count = (prefix: string) => countSeen(seen, prefix);
    // Not vacuous: both kinds of lead, assignments of both, and the unregulated fallbacks all occur.
    // Typical runs: ~30 regulated and ~120 unregulated assignments, ~100 fallback owners, ~150 ops-queue fallbacks.
    expect(count('reg:ASSIGNED'), JSON.stringify([...seen])).toBeGreaterThan(8);
    expect(count('reg:REFUSED:NO_LAWFUL_CANDIDATE')).toBeGreaterThan(10);
    expect(count('unreg:ASSIGNED:ASSIGNED')).toBeGreaterThan(30);
    expect(count('unreg:ASSIGNED:FALLBACK_OWNER')).toBeGreaterThan(3);
    expect(count('unreg:QUEUED:FALLBACK_OPS_QUEUE')).toBeGreaterThan(3);
  });
});
