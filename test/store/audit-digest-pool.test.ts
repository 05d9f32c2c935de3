import { expect, it } from 'vitest';
import { leafDigestsOnWorkers } from '../../src/store/sql/audit-digest-pool.ts';
import type { LeafRangeDigest } from '../../src/audit/index.ts';

const SQLITE_WORKER = new URL('../../src/store/sqlite/audit-digest-worker.ts', import.meta.url);

/**
 * The SQLite digest workers (issue 18) may fail — here they cannot open the file. Every range is still answered, in
 * order, as unclean with the reason: the verifier then reads those ranges row by row, and nothing waits forever.
 */
it('workers that cannot read answer every range unclean, in order, with the reason', { timeout: 30_000 }, async () => {
  const digests: LeafRangeDigest[] = [];
  // More ranges than are sent ahead (two per worker): the later ones are dealt to workers already gone.
  const request = { from: 0, to: 30, rangeSize: 3, payloadFields: {} };
  for await (const d of leafDigestsOnWorkers(SQLITE_WORKER, { path: '/nonexistent/dir/remit.sqlite' }, 2)(request)) digests.push(d);
  expect(digests.map((d) => [d.kind, d.from, d.to])).toEqual(Array.from({ length: 10 }, (_, i) => ['unclean', 3 * i, 3 * i + 3]));
  for (const d of digests) expect(d.kind === 'unclean' && d.detail).toMatch(/digest worker (failed|exited)/);
});
