/**
 * Writes bench/screening-devset/deviation-pairs.csv from real names (deviation-pairs.ts). Usage:
 *   node bench/screening-devset/generate-deviations.ts [data dir, default ../shared/data/screening]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deviationPairs } from './deviation-pairs.ts';
import { toCsv } from './list-pairs.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(process.argv[2] ?? join(here, '..', '..', '..', 'shared', 'data', 'screening'));
const rows = deviationPairs(dataDir);
const out = join(here, 'deviation-pairs.csv');
writeFileSync(out, toCsv(rows));
const byCategory = new Map<string, number>();
for (const r of rows) {
  const k = `${r.isMatch ? 'match' : 'non-match'} ${r.category}`;
  byCategory.set(k, (byCategory.get(k) ?? 0) + 1);
}
process.stdout.write(`${rows.length} pairs → ${out}\n`);
for (const [k, n] of [...byCategory].sort()) process.stdout.write(`  ${k}: ${n}\n`);
