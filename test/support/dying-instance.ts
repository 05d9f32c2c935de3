import type { ServiceContext } from '../../src/app/shared/service-context.ts';
import type { Store } from '../../src/store/unit-of-work.ts';

/**
 * Pieces of an instance that dies in the middle of a job (tests of re-screen and coverage jobs): its store with some
 * members replaced, and transactions that say when one screened a lead again.
 */

/** The ctx with its store's `parts` replaced (a job repository, personal data, transactions); everything else is the real store. */
export function withStoreParts(
  ctx: ServiceContext,
  parts: Partial<Pick<Store, 'rescreenJobs' | 'personalData' | 'transaction'>>,
): ServiceContext {
  const store = new Proxy(ctx.store, {
    get(target, p) {
      if (p in parts) return parts[p as keyof typeof parts];
      const v = Reflect.get(target, p, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Store;
  return { ...ctx, store };
}

/**
 * Transactions of `ctx.store` that fail once `dead()` (a dead instance writes nothing) and call `committed` after each
 * one that wrote a `screening.rescreen` history entry (a lead held or released) commits: the death is told from the
 * lead's history, not from the job's own records.
 */
export function rescreenNoticingTransactions(ctx: ServiceContext, dead: () => boolean, committed: () => void): Store['transaction'] {
  return async (fn) => {
    if (dead()) throw new Error('instance died');
    let rescreened = false;
    const out = await ctx.store.transaction((tx) => {
      const events = {
        ...tx.events,
        append: (e: Parameters<typeof tx.events.append>[0]) => ((rescreened ||= e.kind === 'screening.rescreen'), tx.events.append(e)),
      };
      return fn({ ...tx, events });
    });
    if (rescreened) committed();
    return out;
  };
}
