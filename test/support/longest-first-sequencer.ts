import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import SLOW_FILES from '../slow-test-files.json' with { type: 'json' };

/**
 * Starts the known slow test files first, slowest first, by the seconds in test/slow-test-files.json; every other
 * file follows in Vitest's own order.
 *
 * Why: CI runs on a fresh clone, where Vitest has no results cache and falls back to "largest file first", which
 * starts the list-sync, Chromium, two-server and 1,000,000-row import files anywhere in the queue. With two workers a
 * slow file that starts last leaves the other worker idle at the end (the tail); longest-first bounds that (LPT).
 */
const SLOW: Readonly<Record<string, number>> = SLOW_FILES;

/** The order: listed files by their seconds, longest first, then the rest as given (the sort is stable). */
export function longestFirst<T>(files: readonly T[], path: (file: T) => string, seconds: Readonly<Record<string, number>>): T[] {
  const estimate = (f: T) => seconds[path(f)] ?? 0;
  return [...files].sort((a, b) => estimate(b) - estimate(a));
}

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    return longestFirst(base, (spec) => relative(spec.project.config.root, spec.moduleId), SLOW);
  }
}
