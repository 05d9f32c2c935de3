/**
 * The screening speed workload of `bench/screening.bench.ts` (OFAC + UN + PEP, 20,000 queries drawn with seed 42 from
 * the negatives and the positives), loadable from any checkout: the A/B script (screening-ab.ts) and the equality check
 * (screening-equality.ts) run it against this worktree and a base worktree in one process.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';

type Row = Record<string, string>;
type Query = { name: string; kind?: string; dob?: string; country?: string };

/** What the scripts use of a checkout's screening code (its own module instances). */
export interface ScreeningCode {
  root: string;
  Service: new (opts: { now: () => Date }) => {
    loadAll(specs: string[]): unknown;
    screen(q: Query, o: object): unknown;
  };
  personQuery: (row: Row) => Query;
  compareNames: (schema: string, a: string, b: string) => unknown;
  reviewThreshold: number;
  pairThreshold: number;
}

/** As bench/screening.bench.ts: SHARED_DIR, else ../shared beside the repository. */
export const sharedDir = process.env['SHARED_DIR'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');
export const dataDir = join(sharedDir, 'data', 'screening');
export const FIXED_NOW = (): Date => new Date('2026-01-01T00:00:00Z');

export async function loadCode(root: string): Promise<ScreeningCode> {
  const u = (p: string) => pathToFileURL(resolve(root, p)).href;
  const svc = (await import(u('src/screening/screening-service.ts'))) as { ScreeningService: ScreeningCode['Service'] };
  const ev = (await import(u('src/screening/screening-eval.ts'))) as { personQuery: ScreeningCode['personQuery'] };
  const m = (await import(u('src/screening/matcher.ts'))) as { compareNames: ScreeningCode['compareNames']; DEFAULT_THRESHOLD: number };
  const pol = (await import(u('src/domain/org/screening-policy.schema.ts'))) as { DEFAULT_SCREENING_POLICY: { reviewThreshold: number } };
  return {
    root,
    Service: svc.ScreeningService,
    personQuery: ev.personQuery,
    compareNames: m.compareNames,
    reviewThreshold: pol.DEFAULT_SCREENING_POLICY.reviewThreshold,
    pairThreshold: m.DEFAULT_THRESHOLD,
  };
}

export function evalCsv(file: string): Row[] {
  return parse(readFileSync(join(dataDir, 'eval', file)), { columns: true, relax_column_count: true, skip_empty_lines: true }) as Row[];
}

/** The bench's speed lists. */
export const SPEED_LISTS = ['ofac/sdn.csv', 'un/UN_consolidated.xml', 'opensanctions/us_congress_pep.senzing.jsonl'].map((p) =>
  join(dataDir, p),
);

/** Every list the bench's false-positive part loads. */
export const ALL_LISTS = [
  'ofac/sdn.csv',
  'ofac/cons_prim.csv',
  'un/UN_consolidated.xml',
  'opensanctions/zala.entities.ftm.json',
  'opensanctions/targets.simple.csv',
  'opensanctions/us_congress_pep.senzing.jsonl',
].map((p) => join(dataDir, p));

/** mulberry32, as src/domain/shared/seeded-random.ts (seededUniform) draws the bench's queries. */
export async function speedQueries(code: ScreeningCode, n = 20000): Promise<Query[]> {
  const { seededUniform } = (await import(pathToFileURL(resolve(code.root, 'src/domain/shared/seeded-random.ts')).href)) as {
    seededUniform: (seed: number) => () => number;
  };
  const rnd = seededUniform(42);
  const negatives = [...evalCsv('negatives-global.csv'), ...evalCsv('negatives-us.csv')];
  const pos = [...evalCsv('un-positives-typos.csv'), ...evalCsv('us-congress-pep-positives.csv')];
  const out: Query[] = [];
  for (let i = 0; i < n; i++) {
    const src = rnd() < 0.9 ? negatives[Math.floor(rnd() * negatives.length)]! : pos[Math.floor(rnd() * pos.length)]!;
    out.push(code.personQuery(src));
  }
  return out;
}
