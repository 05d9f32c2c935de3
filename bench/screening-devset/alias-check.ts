/**
 * Recall by list identity: every pair of names of one listed organisation or vessel (alias-pairs.ts) scored with this
 * checkout's matcher, counting pairs at or above the pair line; with --base, also scored with another checkout's
 * matcher (its own module instances, as bench/screening-ab.ts loads two trees) and the pairs gained and lost listed.
 * A recall guard for any new precision rule (docs/screening.md "Measuring quality").
 *
 *   node bench/screening-devset/alias-check.ts [--base DIR] [--data DIR] [--threshold 0.8] [--persons]
 *                                              [--examples 10] [--json]
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataDir as sharedDataDir, loadCode, type ScreeningCode } from '../screening-workload.ts';
import { aliasPairs } from './alias-pairs.ts';
import { aliasRecall, type PairScorer, type RecallCount, type ScoredPair } from './alias-recall.ts';
import { loadListed } from './list-pairs.ts';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    data: { type: 'string' },
    threshold: { type: 'string' },
    persons: { type: 'boolean', default: false },
    examples: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scorer =
  (code: ScreeningCode): PairScorer =>
  (schema, a, b) =>
    (code.compareNames(schema, a, b) as { score: number }).score;

const dataDir = resolve(args.data ?? sharedDataDir);
const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};
if (args.base && !existsSync(join(resolve(args.base), 'src', 'screening', 'matcher.ts')))
  fail(`--base ${args.base}: no src/screening/matcher.ts there (a checkout of Remit is needed)`);
if (!existsSync(join(dataDir, 'ofac', 'sdn.csv'))) fail(`--data ${dataDir}: no ofac/sdn.csv there (the shared screening data folder)`);

const mine = await loadCode(repoRoot);
const base = args.base ? await loadCode(resolve(args.base)) : undefined;
const threshold = args.threshold === undefined ? mine.pairThreshold : Number(args.threshold);
const examples = Number(args.examples);
if (!(threshold > 0 && threshold <= 1) || !Number.isInteger(examples) || examples < 0)
  fail('--threshold must be in (0, 1] and --examples a whole number');
const pairs = aliasPairs(loadListed(dataDir), { persons: args.persons });
const report = aliasRecall(pairs, scorer(mine), { threshold, examples, ...(base ? { base: scorer(base) } : {}) });

if (args.json) {
  process.stdout.write(`${JSON.stringify({ root: repoRoot, baseRoot: base?.root, ...report }, null, 2)}\n`);
} else {
  const share = (c: RecallCount) => `${c.matched}/${c.pairs} (${((100 * c.matched) / Math.max(1, c.pairs)).toFixed(2)} %)`;
  const out: string[] = [
    `same-entity pairs ≥ ${threshold}: ${share(report.overall)}${base ? `; base ${share(report.base!.overall)}` : ''}`,
  ];
  for (const [group, c] of Object.entries(report.byGroup))
    out.push(`  ${group}: ${share(c)}${base ? `; base ${share(report.base!.byGroup[group]!)}` : ''}`);
  const list = (title: string, n: number, rows: readonly ScoredPair[]) => {
    out.push(`${title}: ${n}${rows.length < n ? ` (first ${rows.length})` : ''}`);
    for (const r of rows)
      out.push(`  ${r.base.toFixed(3)} → ${r.score.toFixed(3)}  ${r.schema} ${r.list} ${r.entryId}: ${r.name1} | ${r.name2}`);
  };
  if (base) {
    out.push(`against ${base.root}:`);
    list('gained (base below, this at or above)', report.base!.gained, report.gained);
    list('lost (base at or above, this below)', report.base!.lost, report.lost);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
