import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withLoopTurns } from '../../src/app/shared/loop-turns.ts';

/** An async iterable that never waits for I/O: each item is a resolved promise (a node:sqlite read, for the loop). */
function synchronousSource(n: number, closed: { value: boolean }): AsyncIterable<number> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: () => Promise.resolve(i < n ? { done: false as const, value: i++ } : { done: true as const, value: undefined }),
        return: () => {
          closed.value = true;
          return Promise.resolve({ done: true as const, value: undefined });
        },
      };
    },
  };
}

/** Counts the event loop's check phases while `work` runs. */
async function turnsDuring(work: () => Promise<void>): Promise<number> {
  let turns = 0;
  let stop = false;
  const tick = () => {
    turns++;
    if (!stop) setImmediate(tick);
  };
  setImmediate(tick);
  const before = turns;
  await work();
  const during = turns - before;
  stop = true;
  return during;
}

describe('withLoopTurns (issue 18, lane tail)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('passes every item through, in order, and gives the loop a turn once the budget has passed', async () => {
    // A clock that moves 4 ms per read: with a 10 ms budget a turn comes every third item or so, never on every item.
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 4));
    const seen: number[] = [];
    const turns = await turnsDuring(async () => {
      for await (const x of withLoopTurns(synchronousSource(300, { value: false }), 10)) seen.push(x);
    });
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(turns).toBeGreaterThanOrEqual(90);
    expect(turns).toBeLessThan(200);
  });

  it('without it, a synchronous source holds the loop for the whole iteration (what it is for)', async () => {
    const turns = await turnsDuring(async () => {
      for await (const x of synchronousSource(300, { value: false })) void x;
    });
    expect(turns).toBe(0);
  });

  it('a budget not yet spent adds no turn; leaving early closes the source', async () => {
    const closed = { value: false };
    const seen: number[] = [];
    const turns = await turnsDuring(async () => {
      for await (const x of withLoopTurns(synchronousSource(300, closed), 60_000)) {
        seen.push(x);
        if (x === 9) break;
      }
    });
    expect(seen).toHaveLength(10);
    expect(turns).toBe(0);
    expect(closed.value).toBe(true);
  });
});
