/**
 * Interleaved A/B of screening at scale (issue 19: a 500,000-entry list, p99 ≤ 3× the real lists' p99) between a base
 * checkout and this one, in one process. Each side builds OFAC + UN + PEP and the bench's synthetic list (SET: `lists`,
 * the real lists' name distribution, or `pool`, names drawn from the query pool); blocks of the bench's 10,000 scaling
 * queries then alternate over the four services, so every p99 shares the machine's minutes. Prints, per side, the
 * real and synthetic p50 / p99 and their ratio (wall time, and CPU time per query: `process.cpuUsage`, all threads, so
 * GC helpers count but another process's preemption does not), the build time and heap of the synthetic index, and
 * whether both sides return the same results (a hash of every synthetic-list result).
 *
 *   node --expose-gc bench/screening-scale-ab.ts BASE_ROOT [SET] [ENTRIES] [ROUNDS] [BLOCK] [FIRST]
 *
 * FIRST (`base`, the default, or `this`): which checkout loads and builds first (the first is favoured by 5–29 % in one
 * process, docs/performance.md), so a claim is run both ways round.
 */
import { createHash } from 'node:crypto';
import { evalCsv, FIXED_NOW, loadCode, speedQueries, SPEED_LISTS } from './screening-workload.ts';
import { synthesiseFromLists, synthesiseFromQueryPool } from './screening.bench.ts';
import type { LoadedList, ScreeningEntity } from '../src/screening/screening-entity.ts';

const baseRoot = process.argv[2] ?? '/work/wt-base';
const set = process.argv[3] ?? 'lists';
const entries = Number(process.argv[4] ?? 500_000);
const rounds = Number(process.argv[5] ?? 3);
const block = Number(process.argv[6] ?? 1000);
const first = process.argv[7] ?? 'base';

type Svc = { loadAll(specs: string[]): unknown; screen(q: object, o: object): unknown; add?(l: LoadedList): unknown };
const heapMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1e6;
};
const negatives = [...evalCsv('negatives-global.csv'), ...evalCsv('negatives-us.csv')];
const sides = [];
for (const root of first === 'this' ? ['.', baseRoot] : [baseRoot, '.']) {
  const code = await loadCode(root);
  const real = new code.Service({ now: FIXED_NOW }) as unknown as Svc;
  real.loadAll(SPEED_LISTS);
  const realEntities = (real as unknown as { versions(): { listId: string }[]; loaded(id: string): { entities: ScreeningEntity[] } })
    .versions()
    .flatMap((v) => (real as unknown as { loaded(id: string): { entities: ScreeningEntity[] } }).loaded(v.listId).entities);
  const synth = set === 'pool' ? synthesiseFromQueryPool(negatives, entries, 7) : synthesiseFromLists(realEntities, negatives, entries, 7);
  const big = new code.Service({ now: FIXED_NOW }) as unknown as Svc;
  const h0 = heapMb();
  const t0 = performance.now();
  big.add!(synth);
  const buildMs = performance.now() - t0;
  const heap = heapMb() - h0;
  const lat = { real: [] as number[], big: [] as number[] };
  const cpu = { real: [] as number[], big: [] as number[] };
  sides.push({ root, code, real, big, buildMs, heap, lat, cpu, hash: createHash('sha256') });
  process.stdout.write(`${root}: built ${entries} (${set}) in ${(buildMs / 1000).toFixed(1)} s, heap ${heap.toFixed(0)} MB\n`);
}
const queries = (await speedQueries(sides[0]!.code)).slice(0, 10000);
const opts = { threshold: sides[0]!.code.reviewThreshold, limit: 10 };
for (const s of sides)
  for (const q of queries.slice(0, 500)) {
    // warm-up
    s.real.screen(q, opts);
    s.big.screen(q, opts);
  }
const runs = sides.flatMap((s) => (['real', 'big'] as const).map((which) => ({ s, which })));
for (let r = 0; r < rounds; r++)
  for (let from = 0; from < queries.length; from += block) {
    const part = queries.slice(from, from + block);
    // rotate which service goes first
    const k = (from / block + r) % runs.length;
    for (const { s, which } of [...runs.slice(k), ...runs.slice(0, k)]) {
      const svc = s[which];
      for (const q of part) {
        const c = process.cpuUsage();
        const t = performance.now();
        const res = svc.screen(q, opts);
        s.lat[which].push(performance.now() - t);
        const used = process.cpuUsage(c);
        s.cpu[which].push((used.user + used.system) / 1000);
        if (r === 0 && which === 'big') s.hash.update(JSON.stringify(res));
      }
    }
  }
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;
const f = (x: number) => x.toFixed(3);
const summary = sides.map((s) => {
  const o = {
    realP50: pct(s.lat.real, 50),
    realP99: pct(s.lat.real, 99),
    bigP50: pct(s.lat.big, 50),
    bigP99: pct(s.lat.big, 99),
    bigMean: s.lat.big.reduce((a, b) => a + b, 0) / s.lat.big.length,
    realCpuP99: pct(s.cpu.real, 99),
    bigCpuP50: pct(s.cpu.big, 50),
    bigCpuP99: pct(s.cpu.big, 99),
  };
  process.stdout.write(
    `${s.root}: real p50 ${f(o.realP50)} p99 ${f(o.realP99)} ms; ${set} p50 ${f(o.bigP50)} p99 ${f(o.bigP99)} mean ${f(o.bigMean)} ms; ` +
      `p99 ×${(o.bigP99 / o.realP99).toFixed(2)} of real; CPU p99 real ${f(o.realCpuP99)}, ${set} ${f(o.bigCpuP99)} ms ` +
      `(×${(o.bigCpuP99 / o.realCpuP99).toFixed(2)}), ${set} CPU p50 ${f(o.bigCpuP50)} ms; ` +
      `build ${(s.buildMs / 1000).toFixed(1)} s, heap ${s.heap.toFixed(0)} MB\n`,
  );
  return o;
});
const [b, m] = (first === 'this' ? [summary[1], summary[0]] : summary) as [(typeof summary)[0], (typeof summary)[0]];
process.stdout.write(
  `this ÷ base (${first} first): ${set} p99 ×${(m.bigP99 / b.bigP99).toFixed(3)}, CPU p99 ×${(m.bigCpuP99 / b.bigCpuP99).toFixed(3)}, ` +
    `mean ×${(m.bigMean / b.bigMean).toFixed(3)}; ` +
    `same results on the ${set} list: ${sides[0]!.hash.digest('hex') === sides[1]!.hash.digest('hex')}\n`,
);
