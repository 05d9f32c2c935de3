import { describe, expect, it } from 'vitest';
import { randomIds } from '../../src/app/shared/random-ids.ts';

/** Production ids (src/app/shared/random-ids.ts): the format, and no repeats across many refills of the random pool. */
describe('randomIds', () => {
  it('prefix, base36 time, 16 hex digits; 20,000 ids (many pool refills) all distinct, random part well spread', () => {
    const ids = randomIds(() => 1_700_000_000_000);
    const made = Array.from({ length: 20_000 }, () => ids.next('lead'));
    for (const id of made.slice(0, 50)) expect(id).toMatch(/^lead-loyw3v28[0-9a-f]{16}$/);
    expect(new Set(made).size).toBe(made.length);
    // Every hex digit appears in every position (a stuck or repeated pool would not give this).
    for (let pos = 0; pos < 16; pos++) expect(new Set(made.map((id) => id.slice(-16)[pos])).size).toBe(16);
  });
});
