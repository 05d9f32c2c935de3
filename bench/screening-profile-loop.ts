/**
 * A loop over the screening speed workload for `node --cpu-prof` (docs/performance.md):
 * `node --cpu-prof bench/screening-profile-loop.ts [ROOT] [ROUNDS]`; also prints the slowest queries.
 */
import { loadCode, speedQueries, SPEED_LISTS, FIXED_NOW } from './screening-workload.ts';

const root = process.argv[2] ?? '.';
const rounds = Number(process.argv[3] ?? 1);
const code = await loadCode(root);
const svc = new code.Service({ now: FIXED_NOW });
svc.loadAll(SPEED_LISTS);
const qs = await speedQueries(code);
const opts = { threshold: code.reviewThreshold, limit: 10 };
for (const q of qs.slice(0, 200)) svc.screen(q, opts);
const lat: { ms: number; i: number }[] = [];
const t0 = performance.now();
for (let r = 0; r < rounds; r++)
  qs.forEach((q, i) => {
    const s = performance.now();
    svc.screen(q, opts);
    lat.push({ ms: performance.now() - s, i });
  });
const total = performance.now() - t0;
lat.sort((a, b) => a.ms - b.ms);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!.ms.toFixed(3);
process.stdout.write(`${Math.round((lat.length / total) * 1000)}/s p50 ${pct(50)} p99 ${pct(99)}\n`);
for (const { ms, i } of lat.slice(-15)) {
  const res = svc.screen(qs[i]!, opts) as { stats: { candidates: number; touched: number } };
  process.stdout.write(`${ms.toFixed(3)} ms  ${JSON.stringify(qs[i])}  ${JSON.stringify(res.stats)}\n`);
}
