import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { runEngineBench } from './engine.bench.ts';

/**
 * `npm run bench`: runs every benchmark part, prints each result and writes them all to
 * bench/results/latest.json (and a dated copy). Parts: engine, screening, audit, service (HTTP ingestion), import,
 * reassign (a rep's 1,000 open leads moved away while ingestion continues), outcomes (outcome-aware routing against
 * weighted round robin and an oracle on a synthetic ground truth; docs/outcome-routing.md), rescreen (1,000,000 stored
 * leads against a 500-entry list delta), rescreen-restart (a start with a changed OFAC file to its re-screen job done), fairness (another key's single-lead latency under four concurrent 500-lead
 * batches, batch slicing off and on; issue 18), startup (`remit serve` to /ready with every list, without and with the
 * start-up snapshot; issue 19).
 * Usage: npm run bench [-- --only engine|screening]
 */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const parts: Record<string, () => Promise<unknown>> = {
  engine: () => runEngineBench({ decisions: 20_000 }),
  screening: async () => (await import('./screening.bench.ts')).runScreeningBench(),
  audit: async () => (await import('./audit.bench.ts')).runAuditBench(),
  service: async () => (await import('./service.bench.ts')).runServiceBench(),
  import: async () => (await import('./import.bench.ts')).runImportBench(),
  'audit-service': async () => (await import('./audit.bench.ts')).runServiceAuditBench(),
  'audit-verify': async () => (await import('./audit.bench.ts')).runStoreVerifyBench({ entries: 1_000_000 }),
  reassign: async () => (await import('./reassign.bench.ts')).runReassignBench(),
  outcomes: async () => (await import('./outcomes.bench.ts')).runOutcomesBench(),
  rescreen: async () => (await import('./rescreen.bench.ts')).runRescreenBench(),
  'rescreen-restart': async () => (await import('./rescreen-restart.bench.ts')).runRescreenRestartBench(),
  fairness: async () => (await import('./fairness.bench.ts')).runFairnessBench(),
  startup: async () => (await import('./startup.bench.ts')).runStartupBench(),
};

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
};
for (const [name, run] of Object.entries(parts)) {
  if (only && only !== name) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  try {
    const r = await run();
    results[name] = r;
    console.log(JSON.stringify(r, null, 2));
  } catch (e) {
    results[name] = { error: String(e) };
    console.error(`${name} failed:`, e);
    process.exitCode = 1;
  }
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
await mkdir('bench/results', { recursive: true });
const text = `${JSON.stringify(results, null, 2)}\n`;
// A partial run (--only) updates its part of latest.json and keeps the others.
const previous: Record<string, unknown> = only
  ? await readFile('bench/results/latest.json', 'utf8').then(
      (t) => JSON.parse(t) as Record<string, unknown>,
      () => ({}),
    )
  : {};
// When each part was last run: a partial run replaces its parts and keeps the others', so the file's `date` (this run's)
// is not every figure's date.
const ran = Object.fromEntries(
  Object.keys(parts)
    .filter((name) => name in results)
    .map((name) => [name, results.date]),
);
const measuredAt = { ...(previous.measuredAt as Record<string, unknown> | undefined), ...ran };
await writeFile('bench/results/latest.json', `${JSON.stringify({ ...previous, ...results, measuredAt }, null, 2)}\n`);
await writeFile(`bench/results/${results.date as string}.json`.replace(/:/g, '-'), text);
console.log('\nwritten bench/results/latest.json');
