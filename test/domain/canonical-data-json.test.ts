import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDataJson, canonicalDataJsonWithout, canonicalJson, spliceMember } from '../../src/domain/shared/canonical-json.ts';

/** What the audit trail did before issue 18: a deep copy through JSON, then canonical JSON of the copy. */
const viaCopy = (v: unknown) => (v === undefined ? 'null' : canonicalJson(JSON.parse(JSON.stringify(v))));

/** Values as use cases hand them to the audit trail: JSON data plus dates, boxed primitives, toJSON, undefined, NaN. */
const leaf = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc.constantFrom(undefined, Number.NaN, Infinity, -0, null),
  fc.string().map((s) => new String(s)),
  fc.double().map((n) => new Number(n)),
  fc.boolean().map((b) => new Boolean(b)),
  fc.jsonValue().map((inner) => ({ toJSON: (key: string) => ({ key, inner }) })),
  fc.func(fc.integer()),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 2 },
    fc.anything({ withObjectString: true, withNullPrototype: true }),
    leaf,
    fc.array(tie('v')),
    fc.dictionary(fc.string(), tie('v')),
  ),
})).v;

describe('canonicalDataJson', () => {
  it('is canonicalJson(JSON.parse(JSON.stringify(v))) byte for byte (property)', () => {
    fc.assert(
      fc.property(value, (v) => {
        fc.pre(typeof v !== 'function'); // JSON.stringify answers undefined: the old copy threw, a payload is never one
        expect(canonicalDataJson(v)).toBe(viaCopy(v));
      }),
      { numRuns: 300 },
    );
  });

  it('calls toJSON with the member key, as JSON.stringify does', () => {
    const at = new Date('2026-03-02T10:00:00Z');
    expect(canonicalDataJson({ b: at, a: [at], c: { toJSON: (k: string) => `key ${k}` } })).toBe(
      '{"a":["2026-03-02T10:00:00.000Z"],"b":"2026-03-02T10:00:00.000Z","c":"key c"}',
    );
  });

  it('an object without one member, spliced back, is the whole (property)', () => {
    fc.assert(
      // The member is a plain object, as a decision document is (a toJSON at its top would see another key).
      fc.property(fc.dictionary(fc.string(), value), fc.string(), fc.dictionary(fc.string(), value), (obj, key, member) => {
        const whole = { ...obj, [key]: member };
        const { text, offset } = canonicalDataJsonWithout(whole, key);
        expect(text).toBe(viaCopy({ ...obj, [key]: undefined }));
        expect(spliceMember(text, offset, key, canonicalDataJson(member))).toBe(viaCopy(whole));
      }),
      { numRuns: 100 },
    );
  });
});
