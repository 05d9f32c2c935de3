/**
 * Writes the dev sets mined from the shared lists: bench/screening-devset/list-pairs.csv (list-pairs.ts) and
 * company-pairs.csv (company-pairs.ts, companies and vessels). Usage:
 *   node bench/screening-devset/generate.ts [data dir, default ../shared/data/screening]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { companyPairs } from './company-pairs.ts';
import { listPairs, toCsv, type DevPair } from './list-pairs.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(process.argv[2] ?? join(here, '..', '..', '..', 'shared', 'data', 'screening'));
for (const [file, rows] of [
  ['list-pairs.csv', listPairs(dataDir)],
  ['company-pairs.csv', companyPairs(dataDir)],
] as const) {
  const out = join(here, file);
  writeFileSync(out, toCsv(rows));
  const byCategory = new Map<string, number>();
  for (const r of rows as readonly DevPair[]) {
    const k = `${r.isMatch ? 'match' : 'non-match'} ${r.schema} ${r.category}`;
    byCategory.set(k, (byCategory.get(k) ?? 0) + 1);
  }
  process.stdout.write(`${rows.length} pairs → ${out}\n`);
  for (const [k, n] of [...byCategory].sort()) process.stdout.write(`  ${k}: ${n}\n`);
}
