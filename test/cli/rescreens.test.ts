import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { remit } from '../support/remit-cli.ts';

/** `remit rescreens` (docs/screening.md "Re-screen jobs"): the jobs in the store, newest first, or one with its report. */
describe('remit rescreens', { timeout: 120_000 }, () => {
  it('lists the jobs newest first, shows one with its report, and names an unknown id', async () => {
    const db = `sqlite:${join(await mkdtemp(join(tmpdir(), 'remit-rescreens-')), 'remit.sqlite')}`;
    const store = await openStore({ url: db });
    const list = { listId: 'ofac-sdn', beforeSha256: null, afterSha256: 'b'.repeat(64), added: 2, changed: 0, removed: 0 };
    for (const [id, at] of [
      ['rsj-old', '2026-12-06T10:00:00.000Z'],
      ['rsj-new', '2026-12-06T11:00:00.000Z'],
    ] as const)
      await store.rescreenJobs.enqueue({
        id,
        trigger: 'start',
        requestedBy: 'system',
        roles: [],
        lists: [{ ...list, entryIds: ['E-1', 'E-2'] }],
        createdAt: at,
      });
    await store.rescreenJobs.claimNext('w', '2026-12-06T11:00:01.000Z', '2026-12-06T11:02:00.000Z', (j) => j.id === 'rsj-old');
    const report = { lists: [list], entries: 2, newlyHeld: ['lead-1'], failed: 0 };
    await store.rescreenJobs.finish('rsj-old', 'w', { status: 'done', at: '2026-12-06T11:00:05.000Z', reportJson: JSON.stringify(report) });
    await store.close();

    const listed = await remit('rescreens', '--db', db);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^rsj-new {2}queued {2}0\/2 entries {2}\(start by system at 2026-12-06T11:00:00.000Z; ofac-sdn \+2 ~0 -0\)$/);
    expect(lines[1]).toMatch(/^rsj-old {2}done {4}0\/2 entries, 1 newly held, 0 failed/);
    const one = await remit('rescreens', 'rsj-old', '--json', '--db', db);
    expect(JSON.parse(one.stdout)).toMatchObject({ id: 'rsj-old', status: 'done', report, lists: [list] });
    expect(JSON.parse(one.stdout).lists[0].entryIds).toBeUndefined();
    const missing = await remit('rescreens', 'rsj-nope', '--db', db);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NOT_FOUND');
    const bad = await remit('rescreens', '--limit', '0', '--db', db);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ARGUMENT_INVALID');
  });
});
