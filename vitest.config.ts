import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/longest-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Storage contract suites share one PostgreSQL database; files run in parallel but each suite uses its own schema.
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on CI's two cores that is ONE, so all 269 files ran one
    // after another while most of their time is spent waiting on PostgreSQL, child processes and Chromium. Two
    // workers overlap those waits (docs/architecture.md, "Test suite time").
    maxWorkers: 2,
    // The slow files first, so none of them starts last and leaves the other worker idle at the end.
    sequence: { sequencer: LongestFirstSequencer },
  },
});
