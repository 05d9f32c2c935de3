import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../src/domain/shared/canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: undefined, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"x":2,"z":1}]},"b":1}');
  });
  it('keeps an own "__proto__" key as data (it must change the hash)', () => {
    const withProto = JSON.parse('{"a":1,"__proto__":{"evil":true}}');
    expect(canonicalJson(withProto)).toBe('{"__proto__":{"evil":true},"a":1}');
    expect(contentHash(withProto)).not.toBe(contentHash({ a: 1 }));
  });
  it('is stable under key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });

  // Lane alloc: member heads (`"key":`, `,"key":`) are kept per key up to a bound; past it they are built each time.
  it('writes the same bytes whether a member head is kept, built past the bound, or needs escaping (property)', () => {
    // Keys that sort as written (no integer-like keys): JSON.stringify of an object built in sorted order is the reference.
    const sortedCopy = (obj: Record<string, unknown>) =>
      Object.fromEntries(
        Object.keys(obj)
          .sort()
          .map((k) => [k, obj[k]]),
      );
    const escaping = { 'k"q': 1, 'k\\b': 2, 'k\u0001c': 3, 'k\ud800d': 4, kê: 5 };
    expect(canonicalJson(escaping)).toBe(JSON.stringify(sortedCopy(escaping)));
    // 6,000 distinct keys: more than the bound, so later ones take the uncached path; written twice, the second time
    // from whatever was kept. First members whose value is dropped must not leave a comma behind.
    const many: Record<string, unknown> = { a0: undefined, a1: () => 1 };
    for (let i = 0; i < 6000; i++) many[`k${i}-${'"é'[i % 2]}`] = i % 3 === 0 ? { [`k${i}`]: i, a: undefined } : i;
    const expected = JSON.stringify(sortedCopy(many), (_k, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? sortedCopy(v as Record<string, unknown>) : v,
    );
    expect(canonicalJson(many)).toBe(expected);
    expect(canonicalJson(many)).toBe(expected);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().map((k) => `k${k}`),
          fc.oneof(fc.integer(), fc.constant(undefined)),
        ),
        (obj) => {
          expect(canonicalJson(obj)).toBe(JSON.stringify(sortedCopy(obj)));
          expect(canonicalJson(obj)).toBe(JSON.stringify(sortedCopy(obj)));
        },
      ),
      { numRuns: 300 },
    );
  });

  // docs/audit.md "Canonical JSON, exactly": the expected bytes below are written by hand, not derived from the code.
  it('orders every key by UTF-16 code units, integer-like keys included (RFC 8785 §3.2.3)', () => {
    const value = { a: 1, '10': 2, '2': 3, b: 4, '-1': 5, '01': 6, '4294967295': 7, '4294967294': 8, '0': 9 };
    expect(canonicalJson(value)).toBe('{"-1":5,"0":9,"01":6,"10":2,"2":3,"4294967294":8,"4294967295":7,"a":1,"b":4}');
    // A custom field keyed by years, as an outside verifier with any JCS library would write it.
    expect(canonicalJson({ custom: { '2024': 'x', '9': 'y' } })).toBe('{"custom":{"2024":"x","9":"y"}}');
    // Round trip: the same bytes after JSON.parse, although the parsed object holds integer-like keys first.
    expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
    // Code units, not code points: U+1F600 (surrogates D83D DE00) sorts before U+FF61.
    expect(canonicalJson({ '\uFF61': 1, '😀': 2, Z: 3 })).toBe('{"Z":3,"😀":2,"｡":1}');
  });
  it('writes numbers and strings as JSON.stringify does (the RFC 8785 forms for finite numbers)', () => {
    expect(canonicalJson([1e21, 1e-7, 0.1 + 0.2, -0, 100, 5e-324, Number.NaN, Number.POSITIVE_INFINITY])).toBe(
      '[1e+21,1e-7,0.30000000000000004,0,100,5e-324,null,null]',
    );
    expect(canonicalJson(['é', '\u2028', '"\\', '\u0001', '\ud800'])).toBe('["é","\u2028","\\"\\\\","\\u0001","\\ud800"]');
    expect(canonicalJson([undefined, () => 1, { x: undefined, y: () => 1 }])).toBe('[null,null,{}]');
  });
});
