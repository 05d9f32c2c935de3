import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsvRows } from '../../src/screening/list-file.ts';
import type { ScreeningQuery } from '../../src/screening/matcher.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA_DIR = join(process.env['SHARED_DIR'] ?? resolve(repoRoot, '..', 'shared'), 'data', 'screening');
export const HAS_DATA = existsSync(join(DATA_DIR, 'ofac', 'sdn.csv'));
export const data = (p: string): string => join(DATA_DIR, p);
export const FIXED_NOW = (): Date => new Date('2026-03-01T12:00:00Z');

/** Queries from the evaluation sets: listed people (plain and with typos), PEPs and people built not to match. */
export function evalQueries(max: number): ScreeningQuery[] {
  const rows = (file: string, n: number) =>
    parseCsvRows(file, readFileSync(data(`eval/${file}`), 'utf8'))
      .slice(1, n + 1)
      .map(({ fields: f }) => ({
        name: f[0]!,
        kind: 'person' as const,
        ...(f[5] ? { dob: f[5] } : {}),
        ...(f[7] ? { country: f[7] } : {}),
      }));
  const listed = [...rows('un-positives.csv', 400), ...rows('un-positives-typos.csv', 400), ...rows('us-congress-pep-positives.csv', 700)];
  return [...listed, ...rows('negatives-global.csv', max - listed.length)];
}
