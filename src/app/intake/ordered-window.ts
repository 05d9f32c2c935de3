/**
 * Issue 18 (lane bulkbatch): bulk intake (POST /v1/leads:batch, `remit import`) runs a window of leads at once so that they
 * reach the routing batch (routing-batch.ts) together and share its transaction, instead of one lead per batch. Their
 * results are still taken in input order, and each item reaches the batcher only after every earlier item has (or has
 * finished without routing): the batcher keeps arrival order, so a later lead sharing a dedupe key with an earlier one is
 * its DUPLICATE, exactly as when they ran one after another.
 */

/** An item's place in the order items reach a shared step (the routing batch). */
export interface InOrder {
  /** Resolves once every earlier item has passed. */
  readonly ready: Promise<void>;
  /** This item has reached the step (or will not reach it): the next one may go. Idempotent. */
  pass(): void;
}

export interface OrderedWindowOptions<T, R> {
  /** The most items in flight at once (memory and the batcher's batch size bound it). */
  readonly width: number;
  /** Asked before starting each item after the first: true starts no more (those in flight finish). */
  readonly stop?: () => boolean;
  /** One item; it awaits `order.ready` before the shared step and calls `order.pass()` right after entering it. */
  run(item: T, index: number, order: InOrder): Promise<R>;
  /** Each result in input order, once it and every earlier one are done; the window waits for it. */
  done(result: R, item: T, index: number): void | Promise<void>;
}

type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

interface Running<T, R> {
  readonly item: T;
  readonly index: number;
  readonly result: Promise<Settled<R>>;
}

/**
 * Runs `items` through `o.run`, up to `o.width` at a time, handing results to `o.done` in input order. A failure (of `run`
 * or `done`) stops it: no more items start, those in flight are waited for (never left running unobserved), and the first
 * failure is thrown. Returns how many items were started.
 */
export async function orderedWindow<T, R>(items: Iterable<T> | AsyncIterable<T>, o: OrderedWindowOptions<T, R>): Promise<number> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const inFlight: Running<T, R>[] = [];
  let previous: Promise<void> = Promise.resolve();
  let started = 0;
  let exhausted = false;
  const finishOldest = async () => {
    const oldest = inFlight.shift()!;
    const settled = await oldest.result;
    if (!settled.ok) throw settled.error;
    await o.done(settled.value, oldest.item, oldest.index);
  };
  try {
    while (!(started > 0 && o.stop?.())) {
      const next = await iterator.next();
      if (next.done === true) {
        exhausted = true;
        break;
      }
      if (inFlight.length === 0 && o.width <= 1) {
        // One at a time (a dry run, the other import kinds): nothing to order, so none of the window's bookkeeping.
        const index = started++;
        await o.done(await o.run(next.value, index, ALONE), next.value, index);
        continue;
      }
      const order = inOrderAfter(previous);
      previous = order.passed;
      const index = started++;
      const result = o.run(next.value, index, order).then(
        (value): Settled<R> => ({ ok: true, value }),
        (error: unknown): Settled<R> => ({ ok: false, error }),
      );
      // An item that ends without passing (an early answer, a failure) must not hold the later ones back.
      void result.then(order.pass);
      inFlight.push({ item: next.value, index, result });
      if (inFlight.length >= Math.max(1, o.width)) await finishOldest();
    }
    while (inFlight.length > 0) await finishOldest();
  } finally {
    await Promise.all(inFlight.map((r) => r.result));
    if (!exhausted) await iterator.return?.();
  }
  return started;
}

/** The order of an item run alone: nothing before it to wait for. */
const ALONE: InOrder = { ready: Promise.resolve(), pass: () => {} };

function inOrderAfter(previous: Promise<void>): InOrder & { readonly passed: Promise<void> } {
  let pass = () => {};
  const passed = new Promise<void>((resolve) => (pass = resolve));
  return { ready: previous, pass, passed };
}
