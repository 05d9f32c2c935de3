import type { Clock } from '../../domain/shared/clock.ts';

/** The wall clock, for production wiring; the domain and tests get a Clock injected instead. */
export const systemClock: Clock = { now: () => Date.now() };
