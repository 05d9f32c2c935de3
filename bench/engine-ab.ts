/**
 * Interleaved A/B of `decide()` on the synthetic large org (the engine bench's org and leads) between a base checkout
 * and this one, in one process: blocks of decisions alternate between the two sides (order alternating too), so both
 * see the same machine load. Each side carries its own routing state. Every decision is serialised inside the timed
 * region with its own tree's canonicalDataJson, as decideAndRecord does (the decision row, which the audit entry
 * references): a saving that only moves work into the serialiser does not count (SERIALISER `json` uses
 * JSON.stringify instead, `none` times decide() alone as the engine bench does). The two sides' texts are compared
 * byte for byte on the way.
 * Prints decisions per main-thread CPU second, p50 and p99 of each side and their ratios (this ÷ base).
 *
 *   node --expose-gc bench/engine-ab.ts BASE_ROOT [DECISIONS] [BLOCK] [ROUNDS] [THIS_ROOT] [canonical|json|none]
 *   For the harness's own noise, give two checkouts of the same commit (not the same directory twice: one module
 *   instance would then serve both sides).
 */
import { engineCheckout } from './engine-checkout.ts';

const baseRoot = process.argv[2] ?? '/work/wt-base';
const n = Number(process.argv[3] ?? 20_000);
const block = Number(process.argv[4] ?? 500);
const rounds = Number(process.argv[5] ?? 1);
const thisRoot = process.argv[6] ?? '.';
const serialiser = process.argv[7] ?? 'canonical';
const AT = Date.parse('2026-11-24T16:00:00Z');

interface Side {
  readonly root: string;
  readonly decideOne: (i: number) => string;
  readonly lat: number[];
  wall: number;
  cpu: number;
}

async function load(root: string): Promise<Side> {
  const { decide, canonicalDataJson, org, leads, state } = await engineCheckout(root, n);
  const decideOne = (i: number): string => {
    const r = decide({ org, lead: leads[i % leads.length]!, at: AT + i * 50, state, decisionId: `d${i}` });
    state.apply(r.changes);
    if (serialiser === 'canonical') return canonicalDataJson(r.decision);
    return serialiser === 'json' ? JSON.stringify(r.decision) : r.decision.summary;
  };
  return { root, decideOne, lat: [], wall: 0, cpu: 0 };
}

const sides = [await load(baseRoot), await load(thisRoot)];
let mismatches = 0;
let decision = 0;
for (let r = 0; r < rounds; r++)
  for (let from = 0; from < n; from += block, decision += block) {
    const order = (from / block + r) % 2 === 0 ? sides : [...sides].reverse();
    const outputs = new Map<Side, string[]>();
    for (const s of order) {
      globalThis.gc?.();
      const out: string[] = [];
      const c0 = process.threadCpuUsage();
      const t0 = performance.now();
      for (let i = decision; i < decision + block; i++) {
        const t = performance.now();
        out.push(s.decideOne(i));
        if (decision >= 2000) s.lat.push(performance.now() - t);
      }
      const c = process.threadCpuUsage(c0);
      if (decision >= 2000) {
        s.wall += performance.now() - t0;
        s.cpu += (c.user + c.system) / 1000;
      }
      outputs.set(s, out);
    }
    const [a, b] = [outputs.get(sides[0]!)!, outputs.get(sides[1]!)!];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) mismatches++;
  }
const pct = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;
const stats = sides.map((s) => {
  const lat = [...s.lat].sort((x, y) => x - y);
  return {
    root: s.root,
    wallPerSecond: (lat.length / s.wall) * 1000,
    cpuPerSecond: (lat.length / s.cpu) * 1000,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
  };
});
const [base, mine] = stats as [(typeof stats)[0], (typeof stats)[0]];
const f = (x: number) => x.toFixed(0);
for (const s of stats)
  process.stdout.write(
    `${s.root}: ${f(s.wallPerSecond)}/s wall, ${f(s.cpuPerSecond)}/main-thread CPU s, p50 ${(s.p50 * 1000).toFixed(1)} µs, p99 ${(s.p99 * 1000).toFixed(1)} µs\n`,
  );
const r = (x: number) => x.toFixed(3);
process.stdout.write(
  `ratios (this ÷ base, >1 = faster): wall ×${r(mine.wallPerSecond / base.wallPerSecond)}, CPU ×${r(mine.cpuPerSecond / base.cpuPerSecond)}, ` +
    `p50 ×${r(base.p50 / mine.p50)}, p99 ×${r(base.p99 / mine.p99)}; ${serialiser}: text mismatches ${mismatches}\n`,
);
