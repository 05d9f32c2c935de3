import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { syntheticLeads, syntheticOrg } from '../../bench/synthetic-org.ts';
import { compileConfigObject, loadConfig } from '../../src/config/load-config.ts';
import { decide, routingScope, type DecisionInput } from '../../src/domain/decision/decide.ts';
import type { RepAway } from '../../src/domain/eligibility/rep-presence.ts';
import { LeadSchema, type Lead } from '../../src/domain/lead/lead.schema.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { buildConversionModel } from '../../src/domain/outcomes/conversion-model.ts';
import { UNKNOWN_SEGMENT } from '../../src/domain/outcomes/outcome-fact.ts';
import { seededUniform } from '../../src/domain/shared/seeded-random.ts';
import { canonicalDataJson, canonicalJson, sha256Hex } from '../../src/domain/shared/canonical-json.ts';
import { InMemoryRoutingState } from '../../src/domain/strategies/in-memory-routing-state.ts';
import { leadArb, orgArb, toLead, type Config } from './decide-arbitraries.ts';

/**
 * A seeded corpus of decisions (issue 18): the synthetic bench org, both example orgs and random orgs (with and without
 * an outcome-aware step and a conversion model), with presence, SLA exclusions and bulk-reassignment exclusions, the
 * routing state carried from decision to decision. Each case's digest is sha256 of the canonical JSON of what decide()
 * and routingScope() return; decide-corpus.test.ts compares them with digests recorded before the engine was optimised,
 * so any change to a decision's bytes fails there.
 */

type Rnd = () => number;
const pickOf =
  (rnd: Rnd) =>
  <T>(xs: readonly T[]): T =>
    xs[Math.floor(rnd() * xs.length)]!;

/** What the corpus covered: "outcome reason chosenBy" → decisions (so a test can tell it is not vacuous). */
const seen = new Map<string, number>();
/**
 * Decisions whose recorded text (canonicalDataJson, as decideAndRecord writes it, with the kept texts of shared verdict
 * objects: shared/canonical-json.ts immutableData) differs from the text of an unmarked copy of the same decision.
 */
let dataTextMismatches = 0;

/** Runs `inputs` in order on one carried state, returning one digest per decision. */
function digests(org: CompiledOrg, inputs: Iterable<Omit<DecisionInput, 'org' | 'state'>>): string[] {
  const state = new InMemoryRoutingState();
  const out: string[] = [];
  for (const input of inputs) {
    const result = decide({ ...input, org, state });
    const d = result.decision;
    const key = `${d.outcome} ${d.reasons[0]?.code ?? '-'} ${d.strategy?.chosenBy ?? '-'}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const scope = routingScope(org, input.lead, input.at);
    out.push(sha256Hex(canonicalJson({ decision: result.decision, changes: result.changes, scope })).slice(0, 16));
    if (canonicalDataJson(d) !== canonicalJson(JSON.parse(JSON.stringify(d)))) dataTextMismatches++;
    state.apply(result.changes);
  }
  return out;
}

/** Presence, SLA exclusion and bulk-reassignment exclusion, each now and then, over `repIds`. */
function extras(rnd: Rnd, repIds: readonly string[], at: number): Partial<DecisionInput> {
  const pick = pickOf(rnd);
  const out: { presence?: Record<string, RepAway>; excludeReps?: string[]; exclusion?: DecisionInput['exclusion'] } = {};
  if (rnd() < 0.15) {
    const presence: Record<string, RepAway> = {};
    for (let k = 0; k < 6; k++)
      presence[pick(repIds)] = {
        since: new Date(at - 3_600_000).toISOString(),
        until: rnd() < 0.5 ? null : new Date(at + (rnd() < 0.8 ? 1 : -1) * 1_800_000).toISOString(),
        reason: rnd() < 0.5 ? null : 'lunch',
      };
    out.presence = presence;
  }
  if (rnd() < 0.1) out.excludeReps = [pick(repIds), pick(repIds)];
  if (rnd() < 0.1) out.exclusion = { repIds: [pick(repIds)], code: 'REASSIGNED_AWAY', detail: 'bulk reassignment op-1' };
  return out;
}

function* syntheticInputs(org: CompiledOrg, n: number) {
  const rnd = seededUniform(1801);
  const leads = syntheticLeads(n, 24, 1802).map((l) => LeadSchema.parse(l));
  const repIds = [...org.repsById.keys()];
  // Monday 2026-11-23 00:00 UTC onwards, 7 minutes a lead: nights, weekends and working hours in every zone.
  const start = Date.parse('2026-11-23T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const at = start + i * 7 * 60_000;
    yield { lead: leads[i]!, at, decisionId: `syn-${i}`, ...extras(rnd, repIds, at) };
  }
}

/** Random leads around an example org's own values (products, jurisdictions, sources, segments, sample leads). */
function* exampleInputs(org: CompiledOrg, name: string, bases: readonly Record<string, unknown>[], n: number, seed: number) {
  const rnd = seededUniform(seed);
  const pick = pickOf(rnd);
  const repIds = [...org.repsById.keys()];
  const products = [...org.products.keys(), 'no-such-product'];
  const jurisdictions = [
    ...new Set([...org.teams.flatMap((t) => t.mandate.jurisdictions), ...['GB', 'US-NY', 'US-IL', 'JP', 'BR', 'DE', 'FR', 'AE', 'IE']]),
  ];
  const statuses = ['clear', 'clear', 'clear', 'clear', 'pep', 'potential_match', 'not_screened', 'confirmed_match'] as const;
  const start = Date.parse('2026-11-23T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const base = bases.length > 0 && rnd() < 0.6 ? pick(bases) : {};
    const category = pick(['retail', 'retail', 'professional', 'eligible_counterparty'] as const);
    const raw = {
      ...base,
      id: `${name}-${i}`,
      ...(rnd() < 0.5 || !('jurisdiction' in base) ? { jurisdiction: pick(jurisdictions) } : {}),
      ...(rnd() < 0.5 || !('product' in base) ? { product: pick(products) } : {}),
      ...(rnd() < 0.3
        ? {
            customer: {
              kind: rnd() < 0.8 ? 'person' : 'organisation',
              classification: { category, ...(category === 'retail' ? {} : { evidenceDate: '2026-06-01' }) },
              ...(rnd() < 0.3
                ? { statuses: [{ kind: pick(['hnw', 'sophisticated', 'accredited'] as const), certifiedAt: '2026-05-01' }] }
                : {}),
              ...(rnd() < 0.4
                ? { appropriateness: { assessedAt: '2026-06-01', result: pick(['appropriate', 'not_appropriate'] as const) } }
                : {}),
            },
          }
        : {}),
      ...(rnd() < 0.7 ? { score: Math.floor(rnd() * 100) } : {}),
      ...(rnd() < 0.5 ? { dealValue: Math.floor(rnd() * 3_000_000) } : {}),
      ...(rnd() < 0.5 ? { source: pick(['web_form', 'partner:acme', 'outbound', 'referral', 'event_list', 'chat']) } : {}),
      ...(rnd() < 0.5 ? { language: pick(['en', 'de', 'fr', 'ar', 'es']) } : {}),
      ...(rnd() < 0.3 ? { postalCode: pick(['SW1A 1AA', 'JE2 3AB', 'EC2V 7HH', '10001', 'D02 X285']) } : {}),
      ...(rnd() < 0.4 ? { company: { segment: pick(['SMB', 'MM', 'ENT']), employees: Math.floor(rnd() * 5000) } } : {}),
      ...(rnd() < 0.15
        ? { account: { id: `acc-${i}`, ...(rnd() < 0.8 ? { ownerRep: pick(repIds) } : {}), tier: pick(['gold', 'silver']) } }
        : {}),
      ...(rnd() < 0.3
        ? { screening: { status: pick(statuses), tags: rnd() < 0.2 ? ['adverse_media'] : [], listVersions: ['ofac-2026-11-23'] } }
        : {}),
    };
    const parsed = LeadSchema.safeParse(raw);
    if (!parsed.success) continue;
    const at = start + Math.floor(rnd() * 7 * 1440) * 60_000;
    yield { lead: parsed.data as Lead, at, decisionId: `${name}-d${i}`, ...extras(rnd, repIds, at) };
  }
}

/** Random orgs of decide-arbitraries.ts at a fixed seed; `outcome` routes by the outcome-aware step with a learned model. */
function randomOrgDigests(runs: number, seed: number, outcome: boolean): string[] {
  const samples = fc.sample(
    orgArb.chain((config) => fc.tuple(fc.constant(config), fc.array(leadArb(config.products.length), { minLength: 4, maxLength: 12 }))),
    { seed, numRuns: runs },
  );
  const out: string[] = [];
  samples.forEach(([raw, leads], s) => {
    const config: Config = outcome
      ? ({
          ...raw,
          rules: raw.rules.map((r) => ({
            ...r,
            then: {
              ...r.then,
              strategy: [{ kind: 'outcome-aware', fairness: { band: 0.2, window: 20 }, propensitySamples: 20, minOutcomes: 2 }],
            },
          })),
        } as unknown as Config)
      : raw;
    const compiled = compileConfigObject(config);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
    const org = compiled.value.org;
    const rnd = seededUniform(seed + s);
    const model = buildConversionModel(
      Array.from({ length: 30 }, (_, i) => ({
        leadId: `old${i}`,
        decisionId: `od${i}`,
        repId: `r${Math.floor(rnd() * config.reps.length)}`,
        teamId: `t${Math.floor(rnd() * config.teams.length)}`,
        segment: rnd() < 0.5 ? UNKNOWN_SEGMENT : 'smb',
        outcome: rnd() < 0.3 ? ('WON' as const) : ('LOST' as const),
        closedAt: 0,
      })),
    );
    const repIds = config.reps.map((r) => r.id);
    const inputs = leads.map((x, i) => {
      const { lead, at } = toLead(config, x, i);
      return { lead, at, decisionId: `r${s}-d${i}`, ...extras(rnd, repIds, at), ...(outcome ? { outcomeModel: model } : {}) };
    });
    out.push(...digests(org, inputs));
  });
  return out;
}

function sampleLeads(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
}

export type DecisionCorpus = Record<string, string[]>;

/** Every group of the corpus, each a list of per-decision digests in order, and what the decisions covered. */
export async function decisionCorpus(): Promise<{
  groups: DecisionCorpus;
  seen: ReadonlyMap<string, number>;
  dataTextMismatches: number;
}> {
  seen.clear();
  dataTextMismatches = 0;
  const synthetic = compileConfigObject(syntheticOrg());
  if (!synthetic.ok) throw new Error('synthetic org does not compile');
  const bank = await loadConfig('examples/bank');
  const saas = await loadConfig('examples/saas');
  if (!bank.ok || !saas.ok) throw new Error('example orgs do not load');
  const bankLeads = sampleLeads('examples/bank/leads');
  // The bank's own sample leads at four instants (office hours, evening, night, weekend), then random variations.
  const instants = ['2026-11-24T11:00:00Z', '2026-11-24T18:00:00Z', '2026-11-25T02:00:00Z', '2026-11-28T12:00:00Z'].map(Date.parse);
  const samples = instants.flatMap((at, k) => bankLeads.map((l, i) => ({ lead: LeadSchema.parse(l), at, decisionId: `sample-${k}-${i}` })));
  const groups = {
    synthetic: digests(synthetic.value.org, syntheticInputs(synthetic.value.org, 2500)),
    bankSamples: digests(bank.value.org, samples),
    bank: digests(bank.value.org, exampleInputs(bank.value.org, 'bank', bankLeads, 1500, 1803)),
    saas: digests(saas.value.org, exampleInputs(saas.value.org, 'saas', [], 600, 1804)),
    randomOrgs: randomOrgDigests(150, 1805, false),
    randomOrgsOutcomeAware: randomOrgDigests(200, 1806, true),
  };
  return { groups, seen: new Map(seen), dataTextMismatches };
}
