import { writeFile } from 'node:fs/promises';
import * as echarts from 'echarts';
import type { CompiledRep, CompiledTeam } from '../src/domain/org/compiled-entities.ts';
import { buildConversionModel, type ConversionModelSnapshot } from '../src/domain/outcomes/conversion-model.ts';
import { estimatePolicyValue, type LoggedChoice } from '../src/domain/outcomes/off-policy-estimate.ts';
import type { OutcomeFact } from '../src/domain/outcomes/outcome-fact.ts';
import { seededUniform, type Uniform } from '../src/domain/shared/seeded-random.ts';
import { outcomeAware, type OutcomeAwareSettings } from '../src/domain/strategies/outcome-aware.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../src/domain/strategies/routing-state.ts';
import type { Candidate, StrategyStep } from '../src/domain/strategies/strategy.ts';
import { weightedRoundRobin } from '../src/domain/strategies/weighted-round-robin.ts';

/**
 * Synthetic ground truth for outcome-aware routing (issue 17): reps whose true conversion differs by segment, drift
 * half-way (some reps get better or worse in a segment), two joiners, outcomes known only `delay` leads later. The
 * outcome-aware step, weighted round robin and an oracle (the best true rate among the reps on shift, no fairness
 * bound) route the same lead sequence; expected conversions are sums of true rates, so the comparison is noise-free
 * given the picks.
 */
const SEGMENTS = ['smb', 'mid', 'ent'] as const;
const BASE_RATE = { smb: 0.08, mid: 0.15, ent: 0.25 } as const;
type Segment = (typeof SEGMENTS)[number];

interface World {
  readonly rate: (rep: number, segment: Segment, lead: number) => number;
  readonly reps: number;
  readonly joins: readonly number[];
  readonly segments: readonly Segment[];
}

function normal(u: Uniform): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function world(seed: number, leads: number): World {
  const u = seededUniform(seed);
  const reps = 10;
  const draw = () => SEGMENTS.map((s) => Math.min(0.9, BASE_RATE[s] * Math.exp(0.5 * normal(u))));
  const before = Array.from({ length: reps }, draw);
  // Drift: from the middle on, every other rep's rate in one segment is drawn again.
  const after = before.map((r, i) => (i % 2 === 0 ? r.map((x, j) => (j === i % 3 ? draw()[j]! : x)) : r));
  const joins = Array.from({ length: reps }, (_, i) => (i === 8 ? Math.floor(leads / 3) : i === 9 ? Math.floor((2 * leads) / 3) : 0));
  const segments = Array.from({ length: leads }, () => SEGMENTS[Math.floor(u() * SEGMENTS.length)]!);
  return {
    reps,
    joins,
    segments,
    rate: (rep, segment, lead) => (lead < leads / 2 ? before : after)[rep]![SEGMENTS.indexOf(segment)]!,
  };
}

const team = { id: 't', name: 'T', reps: [] } as unknown as CompiledTeam;
const candidateOf = (i: number): Candidate => ({ team, rep: { id: `r${i}`, weight: 1 } as CompiledRep });

interface Run {
  readonly expected: number;
  /** Cumulative expected conversions after each lead. */
  readonly curve: readonly number[];
  readonly picks: readonly number[];
  readonly log: readonly LoggedChoice[];
}

/** Routes the leads with `step` (null: the oracle), learning from outcomes `delay` leads old every 50 leads. */
function route(w: World, step: StrategyStep | null, seed: number, delay: number): Run {
  const u = seededUniform(seed ^ 0x5eed);
  let state: RoutingStateSnapshot = EMPTY_STATE;
  let model: ConversionModelSnapshot = buildConversionModel([]);
  const facts: OutcomeFact[] = [];
  const curve: number[] = [];
  const picks: number[] = [];
  const log: LoggedChoice[] = [];
  let expected = 0;
  for (let k = 0; k < w.segments.length; k++) {
    const segment = w.segments[k]!;
    const active = Array.from({ length: w.reps }, (_, i) => i).filter((i) => w.joins[i]! <= k);
    let pick: number;
    if (!step) pick = active.reduce((b, i) => (w.rate(i, segment, k) > w.rate(b, segment, k) ? i : b), active[0]!);
    else {
      const candidates = active.map(candidateOf);
      const lead = { id: `L${k}`, company: { segment } } as never;
      const out = step.apply(
        { lead, product: {} as never, at: k, state: viewOf(state), teamOrder: ['t'], decisionId: `b${seed}-${k}`, outcomes: model },
        candidates,
      );
      if (out.kind !== 'picked') throw new Error('a picker must pick');
      pick = active[candidates.indexOf(out.candidate)]!;
      state = applyChanges(state, { ledger: out.changes!, load: null });
      const d = out.details as { candidates?: { rep: string; propensity: number; estimate: number }[] };
      if (d.candidates) {
        const won = u() < w.rate(pick, segment, k) ? 1 : 0;
        // Evaluated policy: uniform over the reps on shift (what fair rotation gives in expectation).
        const arms = d.candidates.map((c) => ({
          rep: c.rep,
          loggedPropensity: c.propensity,
          targetPropensity: 1 / active.length,
          predicted: c.estimate,
        }));
        log.push({ chosen: `r${pick}`, reward: won, arms });
      }
    }
    picks.push(pick);
    expected += w.rate(pick, segment, k);
    curve.push(expected);
    facts.push({
      leadId: `L${k}`,
      decisionId: `b${k}`,
      repId: `r${pick}`,
      teamId: 't',
      segment,
      outcome: u() < w.rate(pick, segment, k) ? 'WON' : 'LOST',
      closedAt: k,
    });
    if (k % 50 === 49 && k >= delay) model = buildConversionModel(facts.slice(0, k - delay));
  }
  return { expected, curve, picks, log };
}

/** Over every window of W leads, the largest |share − target| of any rep (target: an equal share of the reps on shift). */
function worstWindowDeviation(w: World, picks: readonly number[], window: number): number {
  let worst = 0;
  for (let start = 0; start + window <= picks.length; start++) {
    for (let r = 0; r < w.reps; r++) {
      let count = 0;
      let target = 0;
      for (let k = start; k < start + window; k++) {
        if (picks[k] === r) count++;
        const active = w.joins.filter((j) => j <= k).length;
        if (w.joins[r]! <= k) target += 1 / active;
      }
      worst = Math.max(worst, Math.abs(count - target) / window);
    }
  }
  return worst;
}

async function plot(curves: { name: string; data: readonly number[] }[], file: string): Promise<void> {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 420 });
  chart.setOption({
    animation: false,
    title: {
      text: 'Cumulative regret against the oracle (expected conversions, mean of seeds)',
      left: 'center',
      textStyle: { fontSize: 14 },
    },
    legend: { top: 28 },
    grid: { top: 70, left: 60, right: 30, bottom: 50 },
    xAxis: { type: 'value', name: 'leads', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: 'regret' },
    series: curves.map((c) => ({
      name: c.name,
      type: 'line',
      showSymbol: false,
      data: c.data.map((y, i) => [(i + 1) * 100, +y.toFixed(2)]),
    })),
  });
  await writeFile(file, chart.renderToSVGString());
  chart.dispose();
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const r3 = (x: number) => +x.toFixed(3);

export async function runOutcomesBench(opts: { leads?: number; seeds?: readonly number[]; delay?: number } = {}) {
  const leads = opts.leads ?? 6000;
  const seeds = opts.seeds ?? [1, 2, 3];
  const delay = opts.delay ?? 200;
  const settings: OutcomeAwareSettings = {
    pool: 'bench',
    minOutcomes: 10,
    teamPriorStrength: 10,
    globalPriorStrength: 20,
    band: 0.1,
    window: 100,
    propensitySamples: 100,
  };
  const runs = seeds.map((seed) => {
    const w = world(seed, leads);
    const oracle = route(w, null, seed, delay);
    const wrr = route(w, weightedRoundRobin('bench'), seed, delay);
    const learn = route(w, outcomeAware(settings), seed, delay);
    const trueUniform = mean(w.segments.map((s, k) => mean(w.joins.flatMap((j, i) => (j <= k ? [w.rate(i, s, k)] : [])))));
    return { w, oracle, wrr, learn, trueUniform, estimate: estimatePolicyValue(learn.log) };
  });
  const every100 = (c: readonly number[]) => c.filter((_, i) => i % 100 === 99);
  const regret = (pick: (r: (typeof runs)[number]) => Run) =>
    every100(runs[0]!.oracle.curve).map((_, j) => mean(runs.map((r) => every100(r.oracle.curve)[j]! - every100(pick(r).curve)[j]!)));
  await plot(
    [
      { name: 'outcome-aware (Thompson + fairness band)', data: regret((r) => r.learn) },
      { name: 'weighted round robin', data: regret((r) => r.wrr) },
    ],
    'docs/outcome-routing-regret.svg',
  );
  const lifts = runs.map((r) => r.learn.expected / r.wrr.expected - 1);
  const deviations = runs.map((r) => worstWindowDeviation(r.w, r.learn.picks, settings.window));
  return {
    scenario: { leads, seeds, reps: 10, joiners: 2, segments: SEGMENTS.length, driftAtLead: leads / 2, outcomeDelayLeads: delay, settings },
    expectedConversions: {
      oracle: r3(mean(runs.map((r) => r.oracle.expected))),
      weightedRoundRobin: r3(mean(runs.map((r) => r.wrr.expected))),
      outcomeAware: r3(mean(runs.map((r) => r.learn.expected))),
    },
    liftOverWeightedRoundRobin: r3(mean(lifts)),
    liftPerSeed: lifts.map(r3),
    regretAgainstOracle: {
      weightedRoundRobin: r3(mean(runs.map((r) => r.oracle.expected - r.wrr.expected))),
      outcomeAware: r3(mean(runs.map((r) => r.oracle.expected - r.learn.expected))),
    },
    fairness: {
      band: settings.band,
      window: settings.window,
      worstShareDeviation: r3(Math.max(...deviations)),
      everyRepInsideBand: deviations.every((d) => d <= settings.band + 1e-9),
    },
    offPolicy: {
      note: 'value per lead of a uniform choice among reps on shift, estimated from the outcome-aware logs, against its true value',
      truth: r3(mean(runs.map((r) => r.trueUniform))),
      ips: r3(mean(runs.map((r) => r.estimate.ips))),
      snips: r3(mean(runs.map((r) => r.estimate.snips))),
      doublyRobust: r3(mean(runs.map((r) => r.estimate.doublyRobust))),
      effectiveSampleSize: Math.round(mean(runs.map((r) => r.estimate.effectiveSampleSize))),
    },
    plot: 'docs/outcome-routing-regret.svg',
  };
}
