import { describe, expect, it } from 'vitest';
import { listProblems } from '../../src/domain/notifications/list-staleness.ts';

/** screening.lists_stale (pure): a configured list not loaded, or older than its maxAgeDays. */
const NOW = Date.parse('2026-11-24T11:00:00Z');
const DAY = 86_400_000;
const v = (listId: string, loadedAgoDays: number, filesAgoDays?: number) => ({
  listId,
  sha256: `${listId}-0123456789abcdef`,
  loadedAt: new Date(NOW - loadedAgoDays * DAY).toISOString(),
  ...(filesAgoDays !== undefined ? { filesModifiedAt: new Date(NOW - filesAgoDays * DAY).toISOString() } : {}),
});

describe('list problems', () => {
  it('not loaded; stale by the files’ age (else the load time); within the limit or without one: fine', () => {
    const sources = [
      { id: 'un', maxAgeDays: 7 },
      { id: 'ofac', maxAgeDays: 7 },
      { id: 'pep', maxAgeDays: 7 },
      { id: 'blocklist' },
      { id: 'eu' },
    ];
    const inForce = [v('ofac', 1, 9), v('pep', 8), v('blocklist', 900), v('un', 0, 7)];
    expect(listProblems(sources, inForce, NOW)).toEqual([
      { condition: 'stale', list: 'ofac', version: 'ofac-0123456', loadedAt: inForce[0]!.loadedAt, ageDays: 9, maxAgeDays: 7 },
      { condition: 'stale', list: 'pep', version: 'pep-01234567', loadedAt: inForce[1]!.loadedAt, ageDays: 8, maxAgeDays: 7 },
      { condition: 'not_loaded', list: 'eu' },
    ]);
  });

  it('nothing configured: nothing to say (lists loaded with --list only are not watched)', () => {
    expect(listProblems([], [v('ofac', 99)], NOW)).toEqual([]);
  });
});
