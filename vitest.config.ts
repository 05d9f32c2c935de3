import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Storage contract suites share one PostgreSQL database; files run in parallel but each suite uses its own schema.
    pool: 'forks',
  },
});
