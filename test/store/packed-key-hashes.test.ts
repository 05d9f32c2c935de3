import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hitSlots, KeyHashIndex, packKeyHashes, unpackKeyHashes } from '../../src/store/sql/packed-key-hashes.ts';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });

describe('packed key hashes (0045)', () => {
  it('packs distinct hashes ascending, 4 bytes little-endian each', () => {
    expect([...packKeyHashes([0x01020304, 5, 0x01020304, 0xffffffff])]).toEqual([5, 0, 0, 0, 4, 3, 2, 1, 255, 255, 255, 255]);
    fc.assert(
      fc.property(fc.array(uint32), (hs) => {
        expect(unpackKeyHashes(packKeyHashes(hs))).toEqual([...new Set(hs)].sort((a, b) => a - b));
      }),
    );
  });

  it('the index gives each wanted hash its slot and every other hash −1, at any size', () => {
    fc.assert(
      fc.property(fc.array(uint32, { maxLength: 3000 }), fc.array(uint32, { maxLength: 200 }), (wanted, others) => {
        const index = new KeyHashIndex(wanted);
        expect(index.keys).toEqual([...new Set(wanted)]);
        for (const [slot, h] of index.keys.entries()) expect(index.slotOf(h)).toBe(slot);
        for (const h of others) expect(index.slotOf(h)).toBe(index.keys.indexOf(h));
      }),
      { numRuns: 60 },
    );
  });

  it('a value written by several puts (appended, unordered, repeats) hits each wanted hash once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 8 }), { maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 30 })),
        (puts, wanted) => {
          const parts = puts.map(packKeyHashes);
          const value = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) value.set(p, (at += p.length) - p.length);
          const index = new KeyHashIndex(wanted);
          const hits: number[] = [];
          hitSlots(value, index, (slot) => hits.push(index.keys[slot]!));
          const held = new Set(puts.flat());
          expect(hits.sort((a, b) => a - b)).toEqual(index.keys.filter((h) => held.has(h)).sort((a, b) => a - b));
        },
      ),
    );
  });

  it('a value that is not a whole number of hashes is refused', () => {
    expect(() => hitSlots(new Uint8Array(5), new KeyHashIndex([1]), () => {})).toThrow(/multiple of 4/);
    expect(() => unpackKeyHashes(new Uint8Array(3))).toThrow(/multiple of 4/);
  });
});
