import { describe, expect, it } from 'vitest';
import { longestFirst } from './longest-first-sequencer.ts';
import SLOW from '../slow-test-files.json' with { type: 'json' };
import { existsSync } from 'node:fs';

/** The CI file order (vitest.config.ts): the known slow files first, slowest first; the rest keep Vitest's order. */
describe('longestFirst', () => {
  const id = (f: string) => f;

  it('puts the listed files first, slowest first, and keeps the given order of the others', () => {
    const given = ['a.test.ts', 'slow-2.test.ts', 'b.test.ts', 'slow-9.test.ts', 'c.test.ts', 'slow-5.test.ts'];
    const seconds = { 'slow-2.test.ts': 2, 'slow-9.test.ts': 9, 'slow-5.test.ts': 5 };
    expect(longestFirst(given, id, seconds)).toEqual([
      'slow-9.test.ts',
      'slow-5.test.ts',
      'slow-2.test.ts',
      'a.test.ts',
      'b.test.ts',
      'c.test.ts',
    ]);
  });

  it('returns every file once and leaves its input as it was', () => {
    const given = Object.freeze(['x.test.ts', 'y.test.ts', 'z.test.ts']);
    expect(longestFirst(given, id, { 'z.test.ts': 1 })).toEqual(['z.test.ts', 'x.test.ts', 'y.test.ts']);
    expect(given).toEqual(['x.test.ts', 'y.test.ts', 'z.test.ts']);
  });

  it('every file in test/slow-test-files.json exists (a renamed file would silently lose its place)', () => {
    for (const [file, seconds] of Object.entries(SLOW)) {
      expect(existsSync(file), file).toBe(true);
      expect(seconds).toBeGreaterThan(0);
    }
  });
});
