/**
 * Each comparison rule switched off in turn (rule-ablations.ts), measured where a rule has to earn its place: the
 * shared pair sets' dev halves, the dev sets mined from the lists (list-pairs.csv and the company and vessel set
 * company-pairs.csv; all their rows are dev) and the lists' same-entity
 * pairs (organisations, vessels and persons; pairs gained and lost against the defaults). Held-out halves are not
 * read: this tool is for tuning.
 *
 *   node bench/screening-devset/rule-ablation.ts [--data DIR] [--set '{"extraCost":0.3}'] [--json]
 *
 * `--set` measures one more override (any NameCompareParams keys) beside the rules.
 */
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareNames, DEFAULT_THRESHOLD } from '../../src/screening/matcher.ts';
import { DEFAULT_COMPARE_PARAMS, type NameCompareParams } from '../../src/screening/name-compare.ts';
import { scorePairs, type EvalHalf } from '../../src/screening/screening-eval.ts';
import { dataDir as sharedDataDir } from '../screening-workload.ts';
import { aliasPairs } from './alias-pairs.ts';
import { aliasRecall } from './alias-recall.ts';
import { loadListed } from './list-pairs.ts';
import { ruleAblations } from './rule-ablations.ts';

const { values: args } = parseArgs({
  options: { data: { type: 'string' }, set: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const dataDir = resolve(args.data ?? sharedDataDir);
const here = dirname(fileURLToPath(import.meta.url));
const sets: [string, string, EvalHalf][] = [
  ['name pairs dev', join(dataDir, 'eval', 'name-pairs.csv'), 'dev'],
  ['cascade dev', join(dataDir, 'eval', 'cascade-name-pairs.csv'), 'dev'],
  ['dev set', join(here, 'list-pairs.csv'), 'all'],
  ['company set', join(here, 'company-pairs.csv'), 'all'],
];
const pairs = aliasPairs(loadListed(dataDir), { persons: true });
const scorer = (params: NameCompareParams) => (schema: string, a: string, b: string) => compareNames(schema, a, b, params).score;

const runs = [
  { rule: 'defaults', override: {} },
  ...ruleAblations(DEFAULT_COMPARE_PARAMS),
  ...(args.set ? [{ rule: '--set', override: JSON.parse(args.set) as Partial<NameCompareParams> }] : []),
];
const rows = runs.map(({ rule, override }) => {
  const params = { ...DEFAULT_COMPARE_PARAMS, ...override };
  const measured = sets.map(([name, file, half]) => {
    const o = scorePairs(file, DEFAULT_THRESHOLD, half, 0, params).overall;
    return { set: name, tp: o.tp, fp: o.fp, fn: o.fn, f1: o.f1 };
  });
  const alias = aliasRecall(pairs, scorer(params), { threshold: DEFAULT_THRESHOLD, base: scorer(DEFAULT_COMPARE_PARAMS), examples: 0 });
  return { rule, override, sets: measured, alias: { matched: alias.overall.matched, gained: alias.base!.gained, lost: alias.base!.lost } };
});

if (args.json) process.stdout.write(`${JSON.stringify({ pairs: pairs.length, rows }, null, 2)}\n`);
else {
  const out = [
    `rule switched off | ${sets.map(([n]) => `${n} tp/fp/fn F1`).join(' | ')} | same-entity pairs ≥ ${DEFAULT_THRESHOLD} of ${pairs.length} (+/−)`,
  ];
  for (const r of rows)
    out.push(
      `${r.rule} | ${r.sets.map((s) => `${s.tp}/${s.fp}/${s.fn} ${s.f1.toFixed(3)}`).join(' | ')} | ${r.alias.matched} (+${r.alias.gained}/−${r.alias.lost})`,
    );
  process.stdout.write(`${out.join('\n')}\n`);
}
