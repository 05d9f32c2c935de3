import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA_DIR = join(process.env['SHARED_DIR'] ?? resolve(repoRoot, '..', 'shared'), 'data', 'screening');
export const HAS_DATA = existsSync(join(DATA_DIR, 'ofac', 'sdn.csv'));
export const data = (p: string): string => join(DATA_DIR, p);
export const FIXED_NOW = (): Date => new Date('2026-03-01T12:00:00Z');
