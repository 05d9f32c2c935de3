import { describe, expect, it } from 'vitest';
import { orderedWindow } from '../../src/app/intake/ordered-window.ts';

/** Issue 18 (lane bulkbatch): the window bulk intake runs its leads in (src/app/intake/ordered-window.ts). */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('orderedWindow', () => {
  it('runs up to `width` at once and hands results over in input order, whatever order they finish in', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    const started = await orderedWindow([30, 5, 20, 1, 10, 2, 15], {
      width: 3,
      run: async (ms, i) => {
        running++;
        most = Math.max(most, running);
        await sleep(ms);
        running--;
        return i * 10;
      },
      done: (value, _ms, i) => {
        expect(value).toBe(i * 10);
        seen.push(i);
      },
    });
    expect(started).toBe(7);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it('items reach the ordered step in input order, though a later one is ready first', async () => {
    const reached: number[] = [];
    await orderedWindow([20, 0, 5, 0], {
      width: 4,
      run: async (ms, i, order) => {
        await sleep(ms);
        await order.ready;
        reached.push(i);
        order.pass();
        return i;
      },
      done: () => {},
    });
    expect(reached).toEqual([0, 1, 2, 3]);
  });

  it('an item that never passes (an early answer) does not hold the later ones back', async () => {
    const reached: number[] = [];
    await orderedWindow([0, 1, 2], {
      width: 3,
      run: async (_x, i, order) => {
        if (i === 0) return i;
        await order.ready;
        reached.push(i);
        order.pass();
        return i;
      },
      done: () => {},
    });
    expect(reached).toEqual([1, 2]);
  });

  it('`stop` ends the run early: no item starts after it says so, those in flight finish', async () => {
    let n = 0;
    const done: number[] = [];
    const started = await orderedWindow([1, 2, 3, 4, 5, 6], {
      width: 2,
      stop: () => n >= 3,
      run: async (x) => {
        n++;
        await sleep(1);
        return x;
      },
      done: (x) => {
        done.push(x);
      },
    });
    expect(started).toBe(3);
    expect(done).toEqual([1, 2, 3]);
  });

  it('a failure stops it: the items in flight are waited for, none starts after, the failure is thrown', async () => {
    const finished: number[] = [];
    const startedItems: number[] = [];
    const run = orderedWindow([0, 1, 2, 3, 4, 5], {
      width: 3,
      run: async (x) => {
        startedItems.push(x);
        if (x === 1) throw new Error('row 1 failed');
        await sleep(10);
        finished.push(x);
        return x;
      },
      done: () => {},
    });
    await expect(run).rejects.toThrow('row 1 failed');
    // 0 finished and made room for 3; 1's failure was found before 4 started; 2 and 3 were waited for.
    expect(startedItems).toEqual([0, 1, 2, 3]);
    expect(finished.sort()).toEqual([0, 2, 3]);
  });
});
