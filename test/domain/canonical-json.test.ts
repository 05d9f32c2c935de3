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
});
