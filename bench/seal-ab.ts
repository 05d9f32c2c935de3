/**
 * The sealer alone, two trees in one process, interleaved (issue 18, docs/performance.md "Lane sealcost"): each round
 * fills a fresh SQLite file's audit inbox with ENTRIES entries shaped like a lead's (five of ~0.6 KB, one of ~12 KB),
 * then seals them in batches of BATCH (what `remit serve` seals per 200 ms round at ~400 leads/s) and takes the main
 * thread's CPU time (`process.threadCpuUsage`) across the sealing only. The order of the trees alternates per round.
 * Prints µs per sealed entry for each tree and the ratio B ÷ A per round.
 *
 * `node --expose-gc bench/seal-ab.ts TREE_A TREE_B [rounds=6] [entries=6000] [batch=350] [vary]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [treeA, treeB] = [process.argv[2], process.argv[3]];
if (!treeA || !treeB) throw new Error('usage: bench/seal-ab.ts TREE_A TREE_B [rounds] [entries] [batch] [vary]');
const rounds = Number(process.argv[4] ?? 6);
const entries = Number(process.argv[5] ?? 6000);
const batch = Number(process.argv[6] ?? 350);
/** `vary`: each round's limit varies in [batch/2, 3·batch/2) (same sequence for both trees), as under load. */
const vary = process.argv[7] === 'vary';
const limitOf = (round: number) => (vary ? Math.floor(batch / 2 + ((round * 7919) % batch)) : batch);

interface Tree {
  readonly name: string;
  readonly openStore: (o: { url: string }) => Promise<any>;
  readonly sealPending: (deps: any, o: { limit: number }) => Promise<{ sealed: number }>;
  readonly signer: unknown;
}
async function load(tree: string): Promise<Tree> {
  const { openStore } = await import(join(tree, 'src/store/open-store.ts'));
  const { sealPending } = await import(join(tree, 'src/app/audit/audit-sealer.service.ts'));
  const { AuditSigner } = await import(join(tree, 'src/app/audit/audit-signing-key.ts'));
  const { generateKeyPairSync } = await import('node:crypto');
  return { name: tree, openStore, sealPending, signer: new AuditSigner({}, generateKeyPairSync('ed25519').privateKey) };
}

const filler = (n: number, i: number) =>
  Array.from({ length: n }, (_, k) => ({ k, rep: `rep-${(i * 7 + k) % 97}`, score: (k * 31) % 100, why: 'eligible' }));
const event = (i: number) => ({
  kind: i % 6 === 5 ? 'decision' : 'intake',
  subject: `lead_${Math.floor(i / 6)}`,
  actor: 'system',
  at: new Date(Date.parse('2026-12-07T04:00:00Z') + i).toISOString(),
  payload: i % 6 === 5 ? { reps: filler(160, i) } : { reps: filler(8, i) },
  commitments: { 'contact.email': `c${i}` },
});

const cpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

async function once(t: Tree): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'remit-seal-ab-'));
  const store = await t.openStore({ url: `sqlite:${join(dir, 'seal.sqlite')}` });
  try {
    for (let i = 0; i < entries; i += 600)
      await store.transaction((tx: any) => tx.audit.appendMany(Array.from({ length: Math.min(600, entries - i) }, (_, k) => event(i + k))));
    (globalThis as { gc?: () => void }).gc?.();
    const deps = { store, clock: { now: () => Date.parse('2026-12-07T04:30:00Z') }, signer: t.signer };
    const c0 = cpuMs();
    let sealed = 0;
    for (let round = 0; sealed < entries; round++) sealed += (await t.sealPending(deps, { limit: limitOf(round) })).sealed;
    return ((cpuMs() - c0) * 1000) / sealed;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [a, b] = [await load(treeA), await load(treeB)];
await once(a);
await once(b); // warm-up of both
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? [a, b] : [b, a];
  const us = new Map<Tree, number>();
  for (const t of order) us.set(t, await once(t));
  ratios.push(us.get(b)! / us.get(a)!);
  console.log(
    `round ${r + 1} (${order[0] === a ? 'A first' : 'B first'}): A ${us.get(a)!.toFixed(2)} µs/entry, B ${us.get(b)!.toFixed(2)} µs/entry, B ÷ A ${ratios.at(-1)!.toFixed(3)}`,
  );
}
const sorted = [...ratios].sort((x, y) => x - y);
console.log(
  `B ÷ A median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} (range ${sorted[0]!.toFixed(3)}–${sorted.at(-1)!.toFixed(3)}), ${rounds} rounds`,
);
