/**
 * Sums a V8 .cpuprofile (node --cpu-prof) by self time: per function and per file (or package), so
 * a profile of `remit serve` under load says where each lead's milliseconds go (docs/performance.md).
 *
 * `node scripts/cpuprofile-summary.ts FILE.cpuprofile [--top 40] [--leads N] [--skip-ms MS]`
 * With --leads, times are also shown per lead (sampled ms ÷ N); --skip-ms leaves out the first MS
 * of the profile (start-up, warm-up).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: node scripts/cpuprofile-summary.ts FILE.cpuprofile [--top N] [--leads N]');
const option = (name: string): number | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const top = option('--top') ?? 40;
const leads = option('--leads');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** A file as something readable: the path inside the repo, or the npm package it comes from. */
function where(url: string): string {
  if (url === '') return '(native/vm)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  if (url.startsWith('node:')) return url;
  const src = /\/((?:src|bench|bin|test)\/.*)$/.exec(url);
  return src ? src[1]! : url;
}

const skipUs = (option('--skip-ms') ?? 0) * 1000;
const selfUs = new Map<number, number>();
let elapsedUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsedUs += delta;
  if (elapsedUs >= skipUs) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idleUs = [...selfUs.entries()]
  .filter(([id]) => ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id)!.callFrame.functionName))
  .map(([id, us]) => [byId.get(id)!.callFrame.functionName, us] as const);

const fnSelf = new Map<string, number>();
const fileSelf = new Map<string, number>();
/** Inclusive time per file of the repo's own code: a sample counts once for every distinct src/ file on its stack. */
const fileInclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const w = where(n.callFrame.url);
  const fn = `${n.callFrame.functionName || '(anonymous)'}  ${w}:${n.callFrame.lineNumber + 1}`;
  fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + us);
  fileSelf.set(w, (fileSelf.get(w) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = where(byId.get(cur)!.callFrame.url);
    if (f.startsWith('src/') && !seen.has(f)) {
      seen.add(f);
      fileInclusive.set(f, (fileInclusive.get(f) ?? 0) + us);
    }
  }
}

const ms = (us: number) => (us / 1000).toFixed(1).padStart(9);
const perLead = (us: number) => (leads ? `${(us / 1000 / leads).toFixed(3).padStart(8)} ms/lead` : '');
const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)} %`;
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms(us)} ms ${pct(us)} ${perLead(us)}  ${k}`);
};
console.log(`profile ${file}: ${(totalUs / 1000).toFixed(0)} ms sampled${leads ? `, ${leads} leads` : ''}`);
for (const [name, us] of idleUs) console.log(`${ms(us)} ms ${pct(us)} ${perLead(us)}  ${name}`);
print('self time by file / package', fileSelf);
print('self time by function', fnSelf);
print('inclusive time by src/ file (a sample counts once per file on its stack)', fileInclusive);
