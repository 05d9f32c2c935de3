/**
 * A V8 .cpuprofile summed by "who does the work" (issue 18, lane floor): `remit serve`'s profile (bench/profile-serve.ts)
 * and the ingest floor's (bench/ingest-floor.ts with FLOOR_NODE_OPTIONS=--cpu-prof) in the same groups, so the gap
 * between them shows by layer. A sample goes to the group of its innermost frame that has one: native leaves first
 * (GC, node:sqlite — the JS frame that called a statement, since the native call has no frame of its own — and
 * crypto), then the innermost library or Remit module on the stack (Kysely and the store, canonical JSON, zod,
 * screening, routing, intake, audit, HTTP).
 *
 * `node bench/profile-groups.ts FILE.cpuprofile LEADS [SKIP_MS]`: ms per lead of each group (sampled ms ÷ LEADS),
 * leaving out the first SKIP_MS of the profile (start-up and warm-up); a negative SKIP_MS keeps only the last |SKIP_MS|
 * (the measured run of bench/serve-cpu.ts, which ends just before the server is stopped). The sampled time is wall
 * time on the thread's stack, so on a loaded machine read the shares (%), and scale them by the run's /proc CPU.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A native leaf: the time is the native call's, whatever JS frame is on top. */
const LEAF_GROUPS: readonly [string, (fn: string, url: string) => boolean][] = [
  ['GC', (fn) => fn === '(garbage collector)'],
  ['idle / program', (fn) => fn === '(idle)' || fn === '(program)'],
  // Remit's calls into node:sqlite are in node-sqlite-dialect.ts; the floor's in its own files (no JS in between).
  ['node:sqlite (native: statements, COMMIT)', (_fn, url) => /node-sqlite-dialect\.ts|bench\/floor-(store|pipeline|sealer)\.ts/.test(url)],
  ['crypto (SHA-256, HMAC, random, Ed25519)', (_fn, url) => url.startsWith('node:internal/crypto')],
];

/** The innermost frame of these decides (checked leaf to root). */
const STACK_GROUPS: readonly [string, RegExp][] = [
  ['canonical JSON', /src\/domain\/shared\/canonical-json\.ts|src\/audit\/canonical-text\.ts/],
  ['zod (validation)', /node_modules\/zod\//],
  ['Kysely + store (JS)', /node_modules\/kysely\/|\/src\/store\//],
  ['screening', /\/src\/screening\/|screen-intake\.ts|screening-name-keys\.ts/],
  ['audit: commitments, entries, sealing (JS)', /\/src\/audit\/|\/src\/app\/audit\/|\/src\/app\/events\//],
  ['routing: decide()', /\/src\/domain\/(decision|eligibility|strategies|conditions|sla|conduct)\//],
  ['intake: normalise, score, dedupe keys', /\/src\/domain\/intake\/|\/src\/domain\/org\/|routable-lead\.ts/],
  // The floor's own JS (its glue, the answer's JSON.stringify): Remit's counterpart is "other app code".
  ['floor pipeline (JS)', /bench\/floor-(store|pipeline|sealer)\.ts/],
  [
    'HTTP (Fastify, node:http, sockets)',
    /node_modules\/(fastify|find-my-way|light-my-request|avvio|@fastify|fast-json-stringify|pino)|node:_http|node:net|node:internal\/streams|src\/http\//,
  ],
  ['other app code (use cases, context)', /\/src\/app\//],
];

const [file, leadsArg, skipArg] = process.argv.slice(2);
if (!file || !leadsArg) throw new Error('usage: node bench/profile-groups.ts FILE.cpuprofile LEADS [SKIP_MS]');
const leads = Number(leadsArg);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function group(id: number): string {
  const leaf = byId.get(id)!.callFrame;
  for (const [name, test] of LEAF_GROUPS) if (test(leaf.functionName, leaf.url)) return name;
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur)!.callFrame.url;
    for (const [name, re] of STACK_GROUPS) if (re.test(url)) return name;
  }
  return 'other (Node internals, V8 builtins)';
}

const totalUs = profile.timeDeltas.reduce((a, b) => a + b, 0);
const skip = Number(skipArg ?? 0) * 1000;
const skipUs = skip < 0 ? totalUs + skip : skip;
const totals = new Map<string, number>();
let elapsed = 0;
profile.samples.forEach((id, i) => {
  elapsed += profile.timeDeltas[i] ?? 0;
  if (elapsed < skipUs) return;
  const g = group(id);
  totals.set(g, (totals.get(g) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const busy = [...totals].filter(([g]) => g !== 'idle / program').reduce((a, [, us]) => a + us, 0);
for (const [g, us] of [...totals].sort((a, b) => b[1] - a[1]))
  console.log(`${(us / 1000 / leads).toFixed(3).padStart(8)} ms/lead  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${g}`);
console.log(`${(busy / 1000 / leads).toFixed(3).padStart(8)} ms/lead  busy (sampled, main thread, idle left out)`);
