import { randomFillSync } from 'node:crypto';
import type { IdSource } from '../../domain/shared/clock.ts';

/**
 * Random bytes for ids, drawn from the CSPRNG a page at a time (issue 18): a lead takes a dozen ids, and one
 * `randomBytes(8)` call each cost more than the bytes. The bytes are as random either way; each is used once.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

function randomHex8(): string {
  if (offset + 8 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + 8);
  offset += 8;
  return hex;
}

/**
 * Production ids: prefix, time component (base36 ms, so ids sort roughly by creation) and 64 random
 * bits — unique across processes and instances without coordination.
 */
export function randomIds(now: () => number = Date.now): IdSource {
  return { next: (prefix) => `${prefix}-${now().toString(36)}${randomHex8()}` };
}
