/**
 * Interleaved A/B of the screening speed workload (OFAC + UN + PEP, the bench's 20,000 queries) between a base
 * checkout and this one, in one process: blocks of queries alternate between the two, so both see the same machine
 * load. Prints throughput, CPU, p50 and p99 of each side and their ratios (this ÷ base).
 *
 *   node --expose-gc bench/screening-ab.ts BASE_ROOT [ROUNDS] [BLOCK]
 */
import { FIXED_NOW, loadCode, speedQueries, SPEED_LISTS } from './screening-workload.ts';

const baseRoot = process.argv[2] ?? '/work/wt-base';
const rounds = Number(process.argv[3] ?? 3);
const block = Number(process.argv[4] ?? 2000);
const sides = await Promise.all(
  [baseRoot, '.'].map(async (root) => {
    const code = await loadCode(root);
    const svc = new code.Service({ now: FIXED_NOW });
    svc.loadAll(SPEED_LISTS);
    return { root, code, svc, lat: [] as number[], wall: 0, cpu: 0 };
  }),
);
const queries = await speedQueries(sides[0]!.code);
const opts = { threshold: sides[0]!.code.reviewThreshold, limit: 10 };
for (const s of sides) for (const q of queries.slice(0, 500)) s.svc.screen(q, opts); // warm-up
for (let r = 0; r < rounds; r++)
  for (let from = 0; from < queries.length; from += block) {
    const part = queries.slice(from, from + block);
    // alternate which side goes first
    const order = (from / block + r) % 2 === 0 ? sides : [...sides].reverse();
    for (const s of order) {
      globalThis.gc?.();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const q of part) {
        const t = performance.now();
        s.svc.screen(q, opts);
        s.lat.push(performance.now() - t);
      }
      s.wall += performance.now() - t0;
      const c = process.cpuUsage(c0);
      s.cpu += (c.user + c.system) / 1000;
    }
  }
const pct = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;
const stats = sides.map((s) => {
  const lat = [...s.lat].sort((a, b) => a - b);
  return { root: s.root, perSecond: (lat.length / s.wall) * 1000, cpuMsPerQuery: s.cpu / lat.length, p50: pct(lat, 50), p99: pct(lat, 99) };
});
const [base, mine] = stats as [(typeof stats)[0], (typeof stats)[0]];
for (const s of stats)
  process.stdout.write(
    `${s.root}: ${s.perSecond.toFixed(0)}/s, CPU ${(s.cpuMsPerQuery * 1000).toFixed(1)} µs/query, p50 ${s.p50.toFixed(4)} ms, p99 ${s.p99.toFixed(4)} ms\n`,
  );
const r = (x: number) => x.toFixed(3);
process.stdout.write(
  `ratios (this ÷ base): throughput ×${r(mine.perSecond / base.perSecond)}, CPU ×${r(mine.cpuMsPerQuery / base.cpuMsPerQuery)}, ` +
    `p50 ×${r(mine.p50 / base.p50)}, p99 ×${r(mine.p99 / base.p99)}\n`,
);
