import { performance } from 'node:perf_hooks';

/**
 * The same items, with a turn of the event loop (`setImmediate`) before the next item once `everyMs` have passed since
 * the last turn. A long read of a synchronous store (node:sqlite answers without yielding, so an async iteration of
 * it is one uninterrupted task) then lets the requests that arrived meanwhile run (issue 18, lane tail: the hourly
 * audit watch's verification of a 7,400-entry log held every request for ~330 ms). On a store whose reads wait for
 * I/O the loop turns anyway; the check is one clock read per item.
 */
export function withLoopTurns<T>(items: AsyncIterable<T>, everyMs: number): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = items[Symbol.asyncIterator]();
      let since = performance.now();
      return {
        async next() {
          if (performance.now() - since >= everyMs) {
            await new Promise((resolve) => setImmediate(resolve));
            since = performance.now();
          }
          return it.next();
        },
        return: () => it.return?.() ?? Promise.resolve({ done: true as const, value: undefined }),
      };
    },
  };
}
