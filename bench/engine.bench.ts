import { Engine } from 'json-rules-engine';
import { compileConfigObject } from '../src/config/load-config.ts';
import type { ConditionInput } from '../src/domain/conditions/condition.schema.ts';
import { decide } from '../src/domain/decision/decide.ts';
import { LeadSchema, type Lead } from '../src/domain/lead/lead.schema.ts';
import type { CompiledOrg } from '../src/domain/org/compiled-org.ts';
import { canonicalDataJson } from '../src/domain/shared/canonical-json.ts';
import { jurisdictionCovers } from '../src/domain/shared/jurisdiction.ts';
import { InMemoryRoutingState } from '../src/domain/strategies/in-memory-routing-state.ts';
import { syntheticLeads, syntheticOrg } from './synthetic-org.ts';

const AT = Date.parse('2026-11-24T16:00:00Z');
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const stats = (ns: number[]) => {
  const s = [...ns].sort((a, b) => a - b);
  const total = ns.reduce((a, b) => a + b, 0);
  return {
    perSecond: Math.round(ns.length / (total / 1e9)),
    p50us: +(percentile(s, 50) / 1e3).toFixed(1),
    p99us: +(percentile(s, 99) / 1e3).toFixed(1),
    maxUs: +(s[s.length - 1]! / 1e3).toFixed(1),
  };
};

// ---- json-rules-engine: the same 321 rule conditions, first match by priority ----
const OPS: Record<string, string> = {
  eq: 'equal',
  ne: 'notEqual',
  in: 'in',
  not_in: 'notIn',
  gt: 'greaterThan',
  gte: 'greaterThanInclusive',
  lt: 'lessThan',
  lte: 'lessThanInclusive',
  contains: 'contains',
};
function toJre(c: ConditionInput): Record<string, unknown> {
  if ('all' in c) return { all: c.all.map(toJre) };
  if ('any' in c) return { any: c.any.map(toJre) };
  if ('not' in c) return { not: toJre(c.not) };
  if (c.op === 'between') {
    const [lo, hi] = c.value as [number, number];
    return {
      all: [
        { fact: c.field, operator: 'greaterThanInclusive', value: lo },
        { fact: c.field, operator: 'lessThanInclusive', value: hi },
      ],
    };
  }
  return { fact: c.field, operator: c.op === 'within' ? 'within' : OPS[c.op]!, value: c.value };
}

function jreEngine(org: CompiledOrg): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addOperator(
    'within',
    (fact: unknown, scopes: string[]) => typeof fact === 'string' && scopes.some((s) => jurisdictionCovers(s, fact)),
  );
  org.config.rules.forEach((r, i) => {
    engine.addRule({
      name: r.id,
      priority: org.config.rules.length - i,
      conditions: r.when ? (toJre(r.when) as never) : ({ all: [] } as never),
      event: { type: r.id },
    });
  });
  return engine;
}

/** Eligibility as a plain JS filter, no trace or reasons: the baseline's second half. */
function plainEligible(org: CompiledOrg, lead: Lead, ruleId: string): number {
  const rule = org.rules.find((r) => r.id === ruleId)!;
  if (rule.then.kind !== 'route' || rule.then.teams === 'all') return 0;
  const product = org.products.get(lead.product)!;
  let n = 0;
  for (const teamId of rule.then.teams) {
    const team = org.teamsById.get(teamId)!;
    const firm = org.entityGrants.get(team.entity) ?? [];
    const covered = (
      gs: readonly { jurisdiction: string; productLines: readonly string[]; status: string; validFromMs: number; validToMs: number }[],
    ) =>
      product.productLines.every((l) =>
        gs.some(
          (g) =>
            g.status === 'active' &&
            g.validFromMs <= AT &&
            AT < g.validToMs &&
            jurisdictionCovers(g.jurisdiction, lead.jurisdiction) &&
            g.productLines.includes(l),
        ),
      );
    if (!covered(firm)) continue;
    for (const rep of team.reps) if (rep.status === 'active' && covered(rep.grants)) n++;
  }
  return n;
}

/**
 * What production pays per decision: decideAndRecord writes every decision's canonical text (the decision row the audit
 * entry references), so a change that only moves work from decide() into that text does not count. A fresh routing
 * state and the same leads as the decide() loop; the text's length is summed so the work cannot be skipped.
 */
function recordedDecisions(org: CompiledOrg, leads: readonly Lead[]) {
  const state = new InMemoryRoutingState();
  for (let i = 0; i < Math.min(2000, leads.length); i++) {
    const r = decide({ org, lead: leads[i]!, at: AT, state, decisionId: 'warm' });
    canonicalDataJson(r.decision);
  }
  const ns: number[] = [];
  let chars = 0;
  for (let i = 0; i < leads.length; i++) {
    const s = process.hrtime.bigint();
    const r = decide({ org, lead: leads[i]!, at: AT + i * 50, state, decisionId: `d${i}` });
    chars += canonicalDataJson(r.decision).length;
    state.apply(r.changes);
    ns.push(Number(process.hrtime.bigint() - s));
  }
  return {
    description: 'decide() plus the canonical text of the decision, as decideAndRecord stores it',
    ...stats(ns),
    avgTextChars: Math.round(chars / leads.length),
  };
}

export async function runEngineBench(options: { decisions?: number } = {}) {
  const n = options.decisions ?? 20_000;
  const config = syntheticOrg();
  const t0 = process.hrtime.bigint();
  const compiled = compileConfigObject(config);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error.slice(0, 5)));
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const org = compiled.value.org;
  const leads = syntheticLeads(n, config.products.length).map((l) => LeadSchema.parse(l));

  // Remit, full decision with trace and candidate verdicts, state carried forward.
  const state = new InMemoryRoutingState();
  const remitNs: number[] = [];
  const outcomes: Record<string, number> = {};
  let bytes = 0;
  for (let i = 0; i < Math.min(2000, n); i++) decide({ org, lead: leads[i]!, at: AT, state, decisionId: 'warm' }); // warm-up
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    // Time advances 50 ms per lead, so per-zone time caches see realistic churn.
    const r = decide({ org, lead: leads[i]!, at: AT + i * 50, state, decisionId: `d${i}` });
    state.apply(r.changes);
    remitNs.push(Number(process.hrtime.bigint() - s));
    outcomes[r.decision.outcome] = (outcomes[r.decision.outcome] ?? 0) + 1;
    if (i % 100 === 0) bytes += JSON.stringify(r.decision).length;
  }
  const heapUsedMb = +(process.memoryUsage().heapUsed / 1048576).toFixed(1);
  const remit = {
    ...stats(remitNs),
    outcomes,
    avgDecisionJsonBytes: Math.round(bytes / Math.ceil(n / 100)),
    heapUsedMb,
    heapGrowthMb: +((process.memoryUsage().heapUsed - heapBefore) / 1048576).toFixed(1),
  };

  // Rule selection only: Remit's compiled conditions vs json-rules-engine on the same rules.
  const baselineN = Math.min(n, 5000);
  const selectNs: number[] = [];
  for (let i = 0; i < baselineN; i++) {
    const lead = leads[i]!;
    const ctx = {
      lead,
      customer: {
        declaredType: 'retail',
        effectiveType: lead.customer.classification.category,
        validStatuses: [],
        appropriatenessValid: false,
        findings: [],
      },
      product: org.products.get(lead.product)!,
      at: AT,
    } as never;
    const s = process.hrtime.bigint();
    org.rules.find((r) => r.when.evaluate(ctx));
    selectNs.push(Number(process.hrtime.bigint() - s));
  }
  const engine = jreEngine(org);
  const jreSelectNs: number[] = [];
  const jreFullNs: number[] = [];
  for (let i = 0; i < baselineN; i++) {
    const lead = leads[i]!;
    const facts = {
      jurisdiction: lead.jurisdiction,
      product: lead.product,
      score: lead.score,
      dealValue: lead.dealValue,
      source: lead.source,
      'screening.tags': lead.screening.tags,
    };
    const s = process.hrtime.bigint();
    let fired: string | undefined;
    const onSuccess = (event: { type: string }) => {
      if (!fired) {
        fired = event.type;
        engine.stop();
      }
    };
    engine.on('success', onSuccess);
    await engine.run(facts);
    (engine as unknown as { off(event: string, f: unknown): void }).off('success', onSuccess);
    const mid = process.hrtime.bigint();
    if (fired) plainEligible(org, lead, fired);
    const end = process.hrtime.bigint();
    jreSelectNs.push(Number(mid - s));
    jreFullNs.push(Number(end - s));
  }
  const remitSelect = stats(selectNs);
  const jreSelect = stats(jreSelectNs);
  const jreFull = stats(jreFullNs);
  return {
    org: {
      teams: org.teams.length,
      reps: org.repsById.size,
      rules: org.rules.length,
      jurisdictions: new Set(config.licences.map((l) => (l as { jurisdiction: string }).jurisdiction)).size,
      licences: config.licences.length,
      compileMs: +compileMs.toFixed(1),
    },
    decisions: n,
    remitFullDecision: remit,
    remitRecordedDecision: recordedDecisions(org, leads),
    ruleSelection: { remit: remitSelect, jsonRulesEngine: jreSelect, speedup: +(remitSelect.perSecond / jreSelect.perSecond).toFixed(1) },
    baselineRouting: {
      description: 'json-rules-engine first-match rule selection + plain-JS licence filter (no trace, no reasons)',
      ...jreFull,
      remitFullVsBaseline: +(remit.perSecond / jreFull.perSecond).toFixed(2),
    },
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(await runEngineBench({ decisions: Number(process.argv[2] ?? 20000) }), null, 2));
}
