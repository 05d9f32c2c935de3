import { randomBytes } from 'node:crypto';
import type { IdSource } from '../../domain/shared/clock.ts';

/**
 * Production ids: prefix, time component (base36 ms, so ids sort roughly by creation) and 64 random
 * bits — unique across processes and instances without coordination.
 */
export function randomIds(now: () => number = Date.now): IdSource {
  return { next: (prefix) => `${prefix}-${now().toString(36)}${randomBytes(8).toString('hex')}` };
}
