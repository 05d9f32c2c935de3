/**
 * Per-decision minimum latency of the engine bench's loop, base checkout against this one, for a machine that other
 * work shares. The loop (2,000 warm-up decisions, then DECISIONS 50 ms apart, decide() + state.apply timed, as
 * bench/engine.bench.ts) is deterministic — same leads, times and state — so each decision's minimum over RUNS fresh
 * processes per tree drops pre-emption (random per run) and keeps what the decision itself costs. Runs alternate
 * (base, this, this, base, …). Prints p50 / p90 / p99 / mean of the minima per tree and their ratios (base ÷ this).
 *
 *   node --expose-gc bench/engine-minima.ts BASE_ROOT [THIS_ROOT] [RUNS] [DECISIONS]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineCheckout } from './engine-checkout.ts';

const AT = Date.parse('2026-11-24T16:00:00Z');

/** One run in this process: each measured decision's latency (ns) written to `out` as JSON. */
async function runOnce(root: string, n: number, out: string): Promise<void> {
  const { decide, org, leads, state } = await engineCheckout(root, n);
  for (let i = 0; i < Math.min(2000, n); i++) decide({ org, lead: leads[i]!, at: AT, state, decisionId: 'warm' });
  globalThis.gc?.();
  const ns: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    const r = decide({ org, lead: leads[i]!, at: AT + i * 50, state, decisionId: `d${i}` });
    state.apply(r.changes);
    ns.push(Number(process.hrtime.bigint() - s));
  }
  writeFileSync(out, JSON.stringify(ns));
}

function summary(minima: readonly number[]) {
  const s = [...minima].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]! / 1e3;
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length / 1e3 };
}

if (process.argv[2] === '--run') {
  await runOnce(process.argv[3]!, Number(process.argv[4]), process.argv[5]!);
} else {
  const baseRoot = process.argv[2] ?? '/work/wt-base';
  const thisRoot = process.argv[3] ?? '.';
  const runs = Number(process.argv[4] ?? 4);
  const n = Number(process.argv[5] ?? 20_000);
  const dir = mkdtempSync(join(tmpdir(), 'engine-minima-'));
  const minima = [baseRoot, thisRoot].map(() => new Array<number>(n).fill(Infinity));
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const side of order) {
      const out = join(dir, `${side}-${r}.json`);
      const root = side === 0 ? baseRoot : thisRoot;
      execFileSync(process.execPath, ['--expose-gc', import.meta.filename, '--run', root, String(n), out], { stdio: 'inherit' });
      const ns = JSON.parse(readFileSync(out, 'utf8')) as number[];
      const m = minima[side]!;
      for (let i = 0; i < n; i++) m[i] = Math.min(m[i]!, ns[i]!);
    }
  }
  const [base, mine] = minima.map(summary) as [ReturnType<typeof summary>, ReturnType<typeof summary>];
  const f = (x: number) => x.toFixed(1);
  for (const [name, s] of [
    [baseRoot, base],
    [thisRoot, mine],
  ] as const)
    process.stdout.write(`${name}: minima over ${runs} runs: p50 ${f(s.p50)} µs, p90 ${f(s.p90)}, p99 ${f(s.p99)}, mean ${f(s.mean)}\n`);
  const r = (a: number, b: number) => (a / b).toFixed(3);
  process.stdout.write(
    `ratios (base ÷ this, >1 = faster): p50 ×${r(base.p50, mine.p50)}, p90 ×${r(base.p90, mine.p90)}, ` +
      `p99 ×${r(base.p99, mine.p99)}, mean ×${r(base.mean, mine.mean)}\n`,
  );
}
