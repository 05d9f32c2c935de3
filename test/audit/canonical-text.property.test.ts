import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryLeafText, leafObject, type ChainedEntry } from '../../src/audit/audit-entry.ts';
import { canonicalText } from '../../src/audit/canonical-text.ts';
import { canonicalJson } from '../../src/domain/shared/canonical-json.ts';

/** canonicalJson drops own `__proto__` keys (assigning one to a fresh object sets its prototype); canonicalText keeps them, so they are hashed. */
const hasProtoKey = (v: unknown): boolean => {
  if (v === null || typeof v !== 'object') return false;
  return Object.keys(v).some((k) => k === '__proto__' || hasProtoKey((v as Record<string, unknown>)[k]));
};

describe('canonicalText (the audit hot path) equals canonicalJson byte for byte', () => {
  it('for arbitrary JSON values, including unicode, escapes, -0, large and fractional numbers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        if (!hasProtoKey(v)) expect(canonicalText(v)).toBe(canonicalJson(v));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
    );
  });

  it('for arbitrary JS values (undefined members, functions, NaN, dates, nested arrays and objects)', () => {
    const anything = fc.anything({ withNullPrototype: true, withDate: true, withBoxedValues: false, withMap: false, withSet: false, withTypedArray: false, withSparseArray: true });
    fc.assert(
      fc.property(anything, (v) => {
        if (!hasProtoKey(v)) expect(canonicalText(v)).toBe(canonicalJson(v));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
    );
    for (const v of [{ a: undefined, b: () => 1, c: [undefined, () => 1, NaN, -0] }, new Date(0), { d: new Date(0) }, '\u2028\ud800', { '': 1, é: 2, e: 3, E: 4 }]) expect(canonicalText(v)).toBe(canonicalJson(v));
  });

  it('the leaf text of an entry is canonicalJson of its leaf object (the template is only a shortcut)', () => {
    const entry = fc.record({
      seq: fc.nat(),
      kind: fc.constantFrom('intake', 'decision', 'erasure'),
      subject: fc.string(),
      actor: fc.string(),
      at: fc.string(),
      payload: fc.jsonValue(),
      commitments: fc.dictionary(fc.string(), fc.string()),
      prevHash: fc.string(),
    }) as fc.Arbitrary<ChainedEntry>;
    fc.assert(
      fc.property(entry, (e) => {
        if (!hasProtoKey(e)) expect(entryLeafText(e)).toBe(canonicalJson(leafObject(e)));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
    );
  });

  it('like canonicalJson, keeps an own "__proto__" key, so editing it changes the hashed bytes', () => {
    const a = JSON.parse('{"x":1,"__proto__":{"admin":true}}') as unknown;
    const b = JSON.parse('{"x":1,"__proto__":{"admin":false}}') as unknown;
    expect(canonicalText(a)).toBe(canonicalJson(a));
    expect(canonicalText(a)).toBe('{"__proto__":{"admin":true},"x":1}');
    expect(canonicalText(a)).not.toBe(canonicalText(b));
  });
});
