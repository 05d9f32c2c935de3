/**
 * Audit-log bench (SPEC C6): append throughput (canonical bytes + leaf hash, which is also the chain
 * link, + tree frontier update), checkpoint signing and verification, streaming verification of the whole log,
 * and inclusion-proof serving, on synthetic entries (default 1,000,000).
 * Run standalone: `npx node bench/audit.bench.ts [entries]`; as a part of `npm run bench` when wired in bench/run.ts.
 *
 * Memory: rows are not kept as objects. The bench keeps the sealed hashes in two flat buffers and
 * regenerates each row (deterministic event + its hex hashes) as the verifier pulls it, like a store
 * streaming a cursor; that supply cost is measured alone and reported, so verify figures are given
 * both gross (with row supply) and net.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AuditEvent, AuditKind, SealedAuditRow } from '../src/audit/audit-entry.ts';
import { AuditSealer } from '../src/audit/audit-sealer.ts';
import type { StoredCheckpoint } from '../src/audit/checkpoint.ts';
import { publicKeyRecord, signingKey, verifyCheckpoint } from '../src/audit/checkpoint.ts';
import { MerkleTree, verifyInclusion } from '../src/audit/merkle-tree.ts';
import { verifyLog } from '../src/audit/verify-log.ts';
import { silentLogger } from '../src/app/observability/logger.ts';
import { RemitMetrics } from '../src/app/observability/remit-metrics.ts';
import type { AuditSigner } from '../src/app/audit/audit-signing-key.ts';

const LOG_ID = 'remit-bench';
const KINDS: readonly AuditKind[] = ['intake', 'dedupe', 'screening', 'decision', 'lifecycle', 'outreach', 'contact', 'sla'];
const T0 = Date.UTC(2026, 2, 1);

/** A synthetic entry of realistic size (~450 bytes canonical; every 8th a larger decision-like payload, ~1.3 KB). */
function syntheticEvent(i: number): AuditEvent {
  const kind = KINDS[i % KINDS.length]!;
  const base = {
    leadId: `lead-${(i * 7919) % 250_000}`,
    source: i % 3 === 0 ? 'web-form' : 'crm',
    jurisdiction: i % 5 === 0 ? 'US-TX' : 'GB',
    product: i % 2 ? 'term-life' : 'isa-stocks',
    ruleSet: { version: '2026.03-1', hash: 'sha256:8c1f0a2b7d4e9f6a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a' },
  };
  const payload =
    kind === 'decision'
      ? {
          ...base,
          outcome: 'ASSIGNED',
          team: { id: 'team-uk-wealth', name: 'UK Wealth' },
          rep: { id: `rep-${i % 40}`, name: `Rep ${i % 40}` },
          candidates: [0, 1, 2].map((t) => ({
            id: `team-${t}`,
            pass: t !== 2,
            licences: [{ id: `lic-${t}`, regulator: 'FCA', jurisdiction: 'GB', productLines: ['investments'], status: 'active' }],
            reasons: t === 2 ? [{ code: 'TEAM_NOT_LICENSED', detail: 'no grant' }] : [],
          })),
          strategy: {
            chosenBy: 'weighted-round-robin',
            ledger: [{ rep: `rep-${i % 40}`, targetShare: 0.25, assigned: i % 97, shortfall: 0.5 }],
          },
        }
      : {
          ...base,
          step: kind,
          result: i % 11 === 0 ? 'flagged' : 'ok',
          detail: `synthetic ${kind} event number ${i}`,
          metrics: { score: (i % 1000) / 1000, attempts: i % 4 },
        };
  return {
    kind,
    subject: base.leadId,
    actor: i % 13 === 0 ? 'user:compliance-1' : 'system',
    at: new Date(T0 + i * 50).toISOString(),
    payload,
    commitments: i % 4 === 0 ? { 'lead.email': `hmac-sha256:${'5e'.repeat(32)}` } : {},
  };
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (bytes: number) => round(bytes / 2 ** 20);

export interface AuditBenchResult {
  readonly entries: number;
  readonly checkpointEvery: number;
  readonly append: { readonly seconds: number; readonly perSecond: number; readonly usPerEntry: number };
  readonly checkpointSign: { readonly count: number; readonly usPerSign: number; readonly usPerVerify: number };
  readonly rowSupply: { readonly seconds: number };
  readonly verify: {
    readonly seconds: number;
    readonly netSeconds: number;
    readonly perSecond: number;
    readonly checkpointsVerified: number;
    readonly heapGrowthMb: number;
    readonly ok: boolean;
  };
  readonly proofs: {
    readonly treeBuildSeconds: number;
    readonly usPerInclusionProof: number;
    readonly usPerInclusionVerify: number;
    readonly treeMemoryMb: number;
  };
}

export async function runAuditBench(
  options: { entries?: number; checkpointEvery?: number; batch?: number } = {},
): Promise<AuditBenchResult> {
  const n = options.entries ?? 1_000_000;
  const every = options.checkpointEvery ?? 1000;
  const batch = options.batch ?? 1000;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = signingKey(privateKey, '2026-01-01T00:00:00.000Z');
  const ring = [publicKeyRecord(publicKey, '2026-01-01T00:00:00.000Z')];

  // ---- append (sealing) ----
  const entryHashes = Buffer.alloc(n * 32);
  const checkpoints: StoredCheckpoint[] = [];
  const sealer = AuditSealer.start(LOG_ID);
  let appendMs = 0;
  let signMs = 0;
  const genesis = sealer.state().chainHead;
  for (let start = 0; start < n; start += batch) {
    const events: AuditEvent[] = [];
    for (let i = start; i < Math.min(n, start + batch); i++) events.push(syntheticEvent(i));
    const t = performance.now();
    const rows = sealer.seal(events);
    appendMs += performance.now() - t;
    for (const r of rows) entryHashes.write(r.entryHash, r.seq * 32, 'hex');
    if (sealer.size % every === 0 || sealer.size === n) {
      const t2 = performance.now();
      const cp = sealer.checkpoint(new Date(T0 + sealer.size * 50).toISOString(), key);
      signMs += performance.now() - t2;
      if (!cp.ok) throw new Error(cp.error.detail);
      checkpoints.push(cp.value);
    }
  }
  let t = performance.now();
  for (const cp of checkpoints) if (!verifyCheckpoint(cp, ring, LOG_ID).ok) throw new Error('checkpoint did not verify');
  const cpVerifyMs = performance.now() - t;

  // ---- row supply alone (what a store cursor would cost), then verification ----
  const hex = (buf: Buffer, i: number) => buf.toString('hex', i * 32, i * 32 + 32);
  function* rows(): Generator<SealedAuditRow> {
    for (let i = 0; i < n; i++)
      yield { ...syntheticEvent(i), seq: i, prevHash: i === 0 ? genesis : hex(entryHashes, i - 1), entryHash: hex(entryHashes, i) };
  }
  async function* asyncRows(): AsyncGenerator<SealedAuditRow> {
    yield* rows();
  }
  t = performance.now();
  let sink = 0;
  for await (const r of asyncRows()) sink += r.seq;
  const supplyMs = performance.now() - t;
  if (sink < 0) console.log(sink);

  (globalThis as { gc?: () => void }).gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 100);
  t = performance.now();
  const result = await verifyLog(asyncRows(), checkpoints, ring, { logId: LOG_ID });
  const verifyMs = performance.now() - t;
  clearInterval(sampler);
  if (!result.ok) throw new Error(`bench log failed verification: ${JSON.stringify(result.firstBad)}`);

  // ---- proofs: a store builds the tree from persisted leaf hashes and serves audit paths ----
  const memBefore = process.memoryUsage().heapUsed;
  t = performance.now();
  const tree = MerkleTree.fromLeaves(
    (function* () {
      for (let i = 0; i < n; i++) yield entryHashes.subarray(i * 32, i * 32 + 32);
    })(),
  );
  const buildMs = performance.now() - t;
  const treeMem = process.memoryUsage().heapUsed - memBefore;
  const root = tree.root();
  const samples = 20_000;
  const proofs: Buffer[][] = [];
  t = performance.now();
  for (let s = 0; s < samples; s++) proofs.push(tree.inclusionProof((s * 48_271) % n, n));
  const proveMs = performance.now() - t;
  t = performance.now();
  for (let s = 0; s < samples; s++) {
    const i = (s * 48_271) % n;
    if (!verifyInclusion(entryHashes.subarray(i * 32, i * 32 + 32), i, n, proofs[s]!, root)) throw new Error('proof failed');
  }
  const proofVerifyMs = performance.now() - t;

  return {
    entries: n,
    checkpointEvery: every,
    append: {
      seconds: round(appendMs / 1000, 2),
      perSecond: Math.round(n / (appendMs / 1000)),
      usPerEntry: round((appendMs * 1000) / n, 2),
    },
    checkpointSign: {
      count: checkpoints.length,
      usPerSign: round((signMs * 1000) / checkpoints.length),
      usPerVerify: round((cpVerifyMs * 1000) / checkpoints.length),
    },
    rowSupply: { seconds: round(supplyMs / 1000, 2) },
    verify: {
      seconds: round(verifyMs / 1000, 2),
      netSeconds: round((verifyMs - supplyMs) / 1000, 2),
      perSecond: Math.round(n / (verifyMs / 1000)),
      checkpointsVerified: result.checkpointsVerified,
      heapGrowthMb: mb(heapPeak - heapBefore),
      ok: result.ok,
    },
    proofs: {
      treeBuildSeconds: round(buildMs / 1000, 2),
      usPerInclusionProof: round((proveMs * 1000) / samples, 1),
      usPerInclusionVerify: round((proofVerifyMs * 1000) / samples, 1),
      treeMemoryMb: mb(treeMem),
    },
  };
}

function printTable(r: AuditBenchResult): void {
  const rows: [string, string][] = [
    ['entries', r.entries.toLocaleString('en')],
    [
      'append (leaf + chain + tree)',
      `${r.append.perSecond.toLocaleString('en')} /s (${r.append.usPerEntry} µs/entry, ${r.append.seconds} s)`,
    ],
    [
      'checkpoint sign / verify',
      `${r.checkpointSign.usPerSign} µs / ${r.checkpointSign.usPerVerify} µs (${r.checkpointSign.count} checkpoints, every ${r.checkpointEvery})`,
    ],
    ['row supply (regenerate rows)', `${r.rowSupply.seconds} s`],
    [
      'verify whole log',
      `${r.verify.seconds} s gross, ${r.verify.netSeconds} s net (${r.verify.perSecond.toLocaleString('en')} /s), ${r.verify.checkpointsVerified} checkpoints, heap growth ${r.verify.heapGrowthMb} MB`,
    ],
    ['tree build for proofs', `${r.proofs.treeBuildSeconds} s, ~${r.proofs.treeMemoryMb} MB`],
    ['inclusion proof make / verify', `${r.proofs.usPerInclusionProof} µs / ${r.proofs.usPerInclusionVerify} µs`],
  ];
  const w = Math.max(...rows.map(([a]) => a.length));
  for (const [a, b] of rows) console.log(`${a.padEnd(w)}  ${b}`);
}

// ---------------------------------------------------------------------------------------------
// The audit trail in the service: what it adds to ingestion, and `audit verify` on the stored log.

export interface ServiceAuditBenchResult {
  readonly leads: number;
  readonly store: 'sqlite';
  /** ms per ingested lead (validate → normalise → dedupe → screen → route → persist), median of the rounds. */
  readonly ingestMsPerLead: { readonly auditOff: number; readonly auditOn: number; readonly auditOnWithSealing: number };
  /** Relative cost of the audit trail on ingestion (target < 20 %). */
  readonly overheadPercent: { readonly inboxWrites: number; readonly withSealing: number };
  readonly entriesPerLead: number;
  readonly sealing: { readonly entriesPerSecond: number };
  /** `remit audit verify` (verifyStoredLog) over the stored log: rows read from SQLite, parsed, hashed, checkpoints checked. */
  readonly verify: {
    readonly entries: number;
    readonly seconds: number;
    readonly perSecond: number;
    readonly projectedSecondsPer1M: number;
    readonly checkpoints: number;
  };
}

export async function runServiceAuditBench(
  options: { leads?: number; rounds?: number; verifyEntries?: number } = {},
): Promise<ServiceAuditBenchResult> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { AccountDirectory } = await import('../src/app/intake/account-directory.ts');
  const { CompanyEnricher } = await import('../src/app/intake/company-enricher.ts');
  const { ingestLead } = await import('../src/app/intake/ingest-lead.use-case.ts');
  const { OrgRegistry } = await import('../src/app/routing/org-registry.ts');
  const { sealAll } = await import('../src/app/audit/audit-sealer.service.ts');
  const { AuditSigner } = await import('../src/app/audit/audit-signing-key.ts');
  const { verifyStoredLog } = await import('../src/app/audit/audit-queries.ts');
  const { loadConfig } = await import('../src/config/load-config.ts');
  const { openStore } = await import('../src/store/open-store.ts');
  const { withoutAudit } = await import('../test/support/without-audit.ts');
  const leads = options.leads ?? 1500;
  const rounds = options.rounds ?? 5;
  const loaded = await loadConfig('examples/bank');
  if (!loaded.ok) throw new Error('example config does not load');
  const dir = mkdtempSync(join(tmpdir(), 'remit-audit-bench-'));
  const principal = { userId: 'bench', keyId: 'bench', name: 'bench', roles: ['integration' as const], repId: null };
  let clockMs = Date.parse('2026-11-24T11:00:00Z');
  const clock = { now: () => clockMs };
  let idn = 0;
  const ids = { next: (prefix: string) => `${prefix}-${++idn}` };
  const signer = new AuditSigner({ file: join(dir, 'key.pem') });
  const lead = (i: number) => ({
    source: 'web_form',
    product: 'uk-stocks-shares-isa',
    person: {
      firstName: 'Ann',
      lastName: `Lee${i}`,
      email: `ann.lee.${i}@example.co.uk`,
      phone: `+44 20 7946 ${String(i % 10000).padStart(4, '0')}`,
    },
    address: { country: 'GB', postalCode: 'SW1A 1AA' },
  });
  const once = async (mode: 'off' | 'on' | 'sealed', round: number) => {
    const raw = await openStore({ url: `sqlite:${join(dir, `${mode}-${round}.sqlite`)}` });
    const store = mode === 'off' ? withoutAudit(raw) : raw;
    const orgs = new OrgRegistry(store, clock, loaded.value.org);
    await orgs.init('bench');
    const observability = { log: silentLogger(), metrics: new RemitMetrics({ processMetrics: false }) };
    const accounts = new AccountDirectory(store, clock.now);
    const enricher = new CompanyEnricher({ now: clock.now, ...observability });
    const ctx = { store, clock, ids, ...observability, orgs, accounts, enricher, screening: null };
    const t = performance.now();
    for (let i = 0; i < leads; i++) {
      clockMs += 1000;
      const r = await ingestLead(ctx, principal, lead(round * 1_000_000 + i));
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      // The service seals in the background every ~200 ms; in-process, every 100 leads.
      if (mode === 'sealed' && i % 100 === 99) await sealAll({ store: raw, clock, signer });
    }
    if (mode === 'sealed') await sealAll({ store: raw, clock, signer });
    const ms = performance.now() - t;
    return { ms: ms / leads, store: raw };
  };
  // Rounds rotate the order of the three modes (warm-up and machine noise fall on each in turn); the median is reported.
  const samples = { off: [] as number[], on: [] as number[], sealed: [] as number[] };
  let lastSealed: Awaited<ReturnType<typeof once>>['store'] | undefined;
  const modes = ['off', 'on', 'sealed'] as const;
  await (await once('off', 99)).store.close(); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < 3; k++) {
      const mode = modes[(r + k) % 3]!;
      const { ms, store } = await once(mode, r);
      samples[mode].push(ms);
      if (mode === 'sealed' && !lastSealed) lastSealed = store;
      else await store.close();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const best = { off: median(samples.off), on: median(samples.on), sealed: median(samples.sealed) };
  const store = lastSealed!;
  const perLead = (await store.audit.size()) / leads;

  // Grow the stored log with synthetic entries (through the inbox and the sealer), then verify it.
  const target = options.verifyEntries ?? 200_000;
  const tSeal = performance.now();
  let sealedExtra = 0;
  for (let start = await store.audit.size(); start < target; start += 5000) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(target, start + 5000); i++) await tx.audit.append(syntheticEvent(i));
    });
    sealedExtra += (await sealAll({ store, clock, signer }, { limit: 1000 })).sealed;
  }
  const sealSeconds = (performance.now() - tSeal) / 1000;
  const tv = performance.now();
  const report = await verifyStoredLog(store);
  const verifySeconds = (performance.now() - tv) / 1000;
  if (!report.result.ok) throw new Error(`stored log failed verification: ${JSON.stringify(report.result.firstBad)}`);
  const entries = report.result.entries;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const pct = (a: number, b: number) => round(((a - b) / b) * 100, 1);
  return {
    leads,
    store: 'sqlite',
    ingestMsPerLead: { auditOff: round(best.off, 3), auditOn: round(best.on, 3), auditOnWithSealing: round(best.sealed, 3) },
    overheadPercent: { inboxWrites: pct(best.on, best.off), withSealing: pct(best.sealed, best.off) },
    entriesPerLead: round(perLead, 2),
    sealing: { entriesPerSecond: Math.round(sealedExtra / sealSeconds) },
    verify: {
      entries,
      seconds: round(verifySeconds, 2),
      perSecond: Math.round(entries / verifySeconds),
      projectedSecondsPer1M: round((verifySeconds / entries) * 1e6, 1),
      checkpoints: report.result.checkpointsVerified,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// `remit audit verify` through the store at full size (issue 18: 1,000,000 entries < 5 s), with the previous path
// (rows parsed, every leaf serialised again) measured in the same run as the baseline.

export interface StoreVerifyBenchResult {
  readonly store: 'sqlite';
  readonly entries: number;
  /** Filling the log through the inbox and the sealer (not part of verification). */
  readonly fill: { readonly seconds: number; readonly perSecond: number; readonly reused: boolean };
  /** Reading the rows alone (storedRows, nothing hashed): the floor any verifier through this store pays. */
  readonly rowSupplySeconds: number;
  /**
   * verifyStoredLog as `remit audit verify` runs it (method auto → ranges at this size: the store checks seq ranges on
   * worker threads with their own read connections, this thread joins them): stored canonical text hashed as it is,
   * chain, tree, every checkpoint, assignment cross-check.
   */
  readonly verify: {
    readonly method: string;
    readonly seconds: number;
    /** Every thread of the process (the workers included). */
    readonly cpuSeconds: number;
    /** The verifying thread alone. */
    readonly mainThreadCpuSeconds: number;
    readonly perSecond: number;
    readonly checkpoints: number;
  };
  /** The same verification on one thread (method rows), same run. */
  readonly verifySingleThread: { readonly seconds: number; readonly cpuSeconds: number };
  /** The earlier opt-in (method leaf-worker: rows read here, leaves hashed on one worker), same run. */
  readonly verifyLeafWorker: { readonly seconds: number; readonly cpuSeconds: number; readonly mainThreadCpuSeconds: number };
  /** A 10,000-entry log, each method 5 times interleaved, median ms: the automatic choice must not cost a small log. */
  readonly smallLog: { readonly entries: number; readonly rowsMs: number; readonly rangesMs: number; readonly autoMs: number };
  /**
   * The same log through the previous path: rows parsed and each leaf re-serialised (verifyLog over store.audit.rows()),
   * then the log read and parsed a second time for the assignment cross-check, as verifyStoredLog did before.
   */
  readonly baselineParseAndReserialise: { readonly seconds: number; readonly cpuSeconds: number; readonly perSecond: number };
  /** Baseline ÷ new, wall clock and CPU time (CPU time is the steadier figure on a shared machine). */
  readonly speedup: number;
  readonly cpuSpeedup: number;
  readonly targetSeconds: 5;
  readonly met: boolean;
}

export async function runStoreVerifyBench(options: { entries?: number } = {}): Promise<StoreVerifyBenchResult> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { sealAll } = await import('../src/app/audit/audit-sealer.service.ts');
  const { AuditSigner } = await import('../src/app/audit/audit-signing-key.ts');
  const { verifyStoredLog, RANGES_FROM } = await import('../src/app/audit/audit-queries.ts');
  const { AuditedAssignments } = await import('../src/app/audit/assignment-cross-check.ts');
  const { openStore } = await import('../src/store/open-store.ts');
  const { existsSync } = await import('node:fs');
  const target = options.entries ?? 1_000_000;
  // REMIT_BENCH_VERIFY_DIR keeps the filled log (filling 1,000,000 entries through inbox and sealer takes minutes) and
  // reuses it on the next run, so verification can be compared run to run and branch to branch on the same file.
  const kept = process.env.REMIT_BENCH_VERIFY_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'remit-verify-bench-'));
  const reuse = kept !== undefined && existsSync(join(dir, 'audit.sqlite'));
  const store = await openStore({ url: `sqlite:${join(dir, 'audit.sqlite')}` });
  const clock = { now: () => Date.parse('2026-11-24T11:00:00Z') };
  const signer = new AuditSigner({ file: join(dir, 'key.pem') });
  try {
    const tFill = performance.now();
    for (let start = reuse ? target : 0; start < target; start += 5000) {
      await store.transaction(async (tx) => {
        for (let i = start; i < Math.min(target, start + 5000); i++) await tx.audit.append(syntheticEvent(i));
      });
      await sealAll({ store, clock, signer }, { limit: 5000 });
    }
    const fillSeconds = (performance.now() - tFill) / 1000;
    const entries = await store.audit.size();
    global.gc?.();
    const tSupply = performance.now();
    let supplied = 0;
    for await (const row of store.audit.storedRows()) supplied += row.seq >= 0 ? 1 : 0;
    const rowSupplySeconds = (performance.now() - tSupply) / 1000;
    if (supplied !== entries) throw new Error(`read ${supplied} rows of ${entries}`);
    // Baseline first, then the new path: any warm-up favours the baseline, not the figure reported.
    global.gc?.();
    const checkpoints = await store.audit.checkpoints();
    const ring = await store.audit.keyRing();
    const logId = (await store.audit.logId())!;
    const cpu = (from: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(from);
      return (d.user + d.system) / 1e6;
    };
    const tOld = performance.now();
    const cOld = process.cpuUsage();
    const old = await verifyLog(store.audit.rows(), checkpoints, ring, { logId });
    const oldFold = new AuditedAssignments();
    for await (const row of store.audit.rows()) oldFold.add(row);
    const oldSeconds = (performance.now() - tOld) / 1000;
    const oldCpu = cpu(cOld);
    if (!old.ok) throw new Error('baseline verifier rejected the log');
    const timed = async (method: 'rows' | 'leaf-worker' | 'ranges' | 'auto') => {
      global.gc?.();
      const t = performance.now();
      const c = process.cpuUsage();
      const tc = process.threadCpuUsage();
      const report = await verifyStoredLog(store, { method });
      const seconds = (performance.now() - t) / 1000;
      const main = process.threadCpuUsage(tc);
      if (!report.result.ok || report.result.entries !== entries)
        throw new Error(`stored log failed verification (${method}): ${JSON.stringify(report.result)}`);
      return {
        seconds: round(seconds, 2),
        cpuSeconds: round(cpu(c), 2),
        mainThreadCpuSeconds: round((main.user + main.system) / 1e6, 2),
        checkpoints: report.result.checkpointsVerified,
      };
    };
    const single = await timed('rows');
    const leafWorker = await timed('leaf-worker');
    const now = await timed('auto');
    const smallLog = await smallLogVerify(signer);
    return {
      store: 'sqlite',
      entries,
      fill: { seconds: round(fillSeconds, 1), perSecond: reuse ? 0 : Math.round(entries / fillSeconds), reused: reuse },
      rowSupplySeconds: round(rowSupplySeconds, 2),
      verify: {
        method: entries >= RANGES_FROM ? 'ranges' : 'rows',
        seconds: now.seconds,
        cpuSeconds: now.cpuSeconds,
        mainThreadCpuSeconds: now.mainThreadCpuSeconds,
        perSecond: Math.round(entries / now.seconds),
        checkpoints: now.checkpoints,
      },
      verifySingleThread: { seconds: single.seconds, cpuSeconds: single.cpuSeconds },
      verifyLeafWorker: {
        seconds: leafWorker.seconds,
        cpuSeconds: leafWorker.cpuSeconds,
        mainThreadCpuSeconds: leafWorker.mainThreadCpuSeconds,
      },
      smallLog,
      baselineParseAndReserialise: {
        seconds: round(oldSeconds, 2),
        cpuSeconds: round(oldCpu, 2),
        perSecond: Math.round(entries / oldSeconds),
      },
      speedup: round(oldSeconds / now.seconds, 2),
      cpuSpeedup: round(oldCpu / now.cpuSeconds, 2),
      targetSeconds: 5,
      met: entries >= 1_000_000 && now.seconds < 5,
    };
  } finally {
    await store.close();
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A 10,000-entry SQLite log verified each way, interleaved 5 times (median ms): worker start-up must not make a small
 * log slower under the automatic choice.
 */
async function smallLogVerify(signer: AuditSigner): Promise<{ entries: number; rowsMs: number; rangesMs: number; autoMs: number }> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { sealAll } = await import('../src/app/audit/audit-sealer.service.ts');
  const { verifyStoredLog } = await import('../src/app/audit/audit-queries.ts');
  const { openStore } = await import('../src/store/open-store.ts');
  const entries = 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'remit-verify-small-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'audit.sqlite')}` });
  const clock = { now: () => Date.parse('2026-11-24T11:00:00Z') };
  try {
    await store.transaction(async (tx) => {
      for (let i = 0; i < entries; i += 500) await tx.audit.appendMany(Array.from({ length: 500 }, (_, j) => syntheticEvent(i + j)));
    });
    await sealAll({ store, clock, signer }, { limit: 5000 });
    const ms = { rows: [] as number[], ranges: [] as number[], auto: [] as number[] };
    for (let r = 0; r < 5; r++)
      for (const method of ['rows', 'ranges', 'auto'] as const) {
        const t = performance.now();
        const report = await verifyStoredLog(store, { method });
        ms[method].push(performance.now() - t);
        if (!report.ok) throw new Error(`small log failed verification (${method})`);
      }
    const median = (xs: number[]) => round([...xs].sort((a, b) => a - b)[2]!, 1);
    return { entries, rowsMs: median(ms.rows), rangesMs: median(ms.ranges), autoMs: median(ms.auto) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  if (process.argv.includes('--store-verify')) {
    console.log(
      JSON.stringify(
        await runStoreVerifyBench({ entries: Number(process.argv[process.argv.indexOf('--store-verify') + 1] ?? 1_000_000) }),
        null,
        2,
      ),
    );
  } else if (process.argv.includes('--service')) {
    console.log(JSON.stringify(await runServiceAuditBench(), null, 2));
  } else {
    const r = await runAuditBench({ entries: Number(process.argv[2] ?? 1_000_000) });
    printTable(r);
    console.log(JSON.stringify(r, null, 2));
  }
}

export { printTable as printAuditBenchTable };
