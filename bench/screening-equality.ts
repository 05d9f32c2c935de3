/**
 * Equality check for speed work on screening (issue 19): runs the whole eval query pool through one checkout's
 * screening code and writes one line per result (a SHA-256 of its JSON); two checkouts agree when the files are equal.
 *
 *   node bench/screening-equality.ts ROOT OUT.txt      (e.g. ROOT=/work/wt-base, then ROOT=.; then `cmp`)
 *
 * The pool: the bench's 20,000 speed queries on OFAC + UN + PEP (limit 10, the review line, and again at 0.8 with a
 * lower minScore, no limit), the UN / PEP positives on their own lists and on all lists, both negatives files on all
 * lists (as the false-positive part screens them), and every name pair and cascade pair through compareNames.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_LISTS, dataDir, evalCsv, FIXED_NOW, loadCode, speedQueries, SPEED_LISTS } from './screening-workload.ts';

const [root, out] = process.argv.slice(2);
if (!root || !out) throw new Error('usage: node bench/screening-equality.ts ROOT OUT.txt');
const code = await loadCode(root);
const lines: string[] = [];
const h = (label: string, v: unknown) => lines.push(`${label} ${createHash('sha256').update(JSON.stringify(v)).digest('hex')}`);
const service = (lists: string[]) => {
  const s = new code.Service({ now: FIXED_NOW });
  s.loadAll(lists);
  return s;
};
const T = code.reviewThreshold;

const real = service(SPEED_LISTS);
const speed = await speedQueries(code);
speed.forEach((q, i) => h(`speed:${i}`, real.screen(q, { threshold: T, limit: 10 })));
speed.forEach((q, i) => h(`speed-low:${i}`, real.screen(q, { threshold: 0.8, minScore: 0.5 })));

const un = service([`un-xml:${join(dataDir, 'un/UN_consolidated.xml')}`]);
const pep = service([`senzing-jsonl:${join(dataDir, 'opensanctions/us_congress_pep.senzing.jsonl')}`]);
const all = service(ALL_LISTS);
const people = (label: string, s: typeof all, file: string) =>
  evalCsv(file).forEach((row, i) => {
    const q = code.personQuery(row);
    if (q.name) h(`${label}:${file}:${i}`, s.screen(q, { threshold: T }));
  });
people('un', un, 'un-positives.csv');
people('un', un, 'un-positives-typos.csv');
people('pep', pep, 'us-congress-pep-positives.csv');
for (const f of ['un-positives.csv', 'un-positives-typos.csv', 'us-congress-pep-positives.csv', 'negatives-global.csv', 'negatives-us.csv'])
  people('all', all, f);
// the same names unkinded (person and organisation readings) against all lists
evalCsv('un-positives-typos.csv').forEach((row, i) => {
  const q = code.personQuery(row);
  h(`all-unkinded:${i}`, all.screen({ name: q.name }, { threshold: 0.8, minScore: 0.5 }));
});
for (const file of ['name-pairs.csv', 'cascade-name-pairs.csv'])
  evalCsv(file).forEach((r, i) => {
    const n1 = r['name1'] ?? r['name_a'] ?? '';
    const n2 = r['name2'] ?? r['name_b'] ?? '';
    h(`pair:${file}:${i}`, code.compareNames(r['schema'] ?? '', n1, n2));
    // the cascade rows also screened: name1 as a query against all lists
    if (file === 'cascade-name-pairs.csv') h(`cascade-screen:${i}`, all.screen({ name: n1 }, { threshold: 0.8, minScore: 0.5 }));
  });
writeFileSync(out, lines.join('\n') + '\n');
process.stdout.write(`${lines.length} results written to ${out}\n`);
