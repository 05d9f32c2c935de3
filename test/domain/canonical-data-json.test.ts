import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalDataJson,
  canonicalDataJsonWithout,
  canonicalJson,
  immutableData,
  jsonString,
  spliceMember,
} from '../../src/domain/shared/canonical-json.ts';

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
/** Arrays and objects of arrays and objects … of the given leaves, up to `maxDepth` deep. */
const treeOf = (maxDepth: number, ...leaves: fc.Arbitrary<unknown>[]) =>
  fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small', maxDepth }, ...leaves, fc.array(tie('v')), fc.dictionary(fc.string(), tie('v'))),
  })).v;
const value = treeOf(2, fc.anything({ withObjectString: true, withNullPrototype: true }), leaf);

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

  it('orders keys by UTF-16 code units for small and large objects alike (insertion sort and default sort)', () => {
    // Keys from a small alphabet so that integer-like keys, shared prefixes and duplicates come up; up to 80 keys
    // crosses the writer's switch from its insertion sort to the default sort.
    const key = fc.string({ unit: fc.constantFrom('a', 'B', '1', '0', 'é', '\u{1F600}'), maxLength: 4 });
    fc.assert(
      fc.property(fc.dictionary(key, fc.integer(), { maxKeys: 80, size: 'max' }), (obj) => {
        const expected = `{${Object.keys(obj)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${obj[k]}`)
          .join(',')}}`;
        expect(canonicalJson(obj)).toBe(expected);
        expect(canonicalDataJson(obj)).toBe(expected);
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

/** Deep-freezes every plain object and array of a tree bottom up, marking each as immutable data. */
function markAll(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || !(Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype)) return v;
  for (const child of Object.values(v)) markAll(child);
  return immutableData(v);
}

const tree = treeOf(
  3,
  fc.jsonValue(),
  fc.date({ noInvalidDate: true }),
  fc.constantFrom(-0, 1e21, 5e-7, Number.NaN, Infinity, '\ud800', '\u0000"\\', '😀'),
);

describe('immutableData: kept canonical texts', () => {
  it('writes the same bytes as an unmarked copy, in both modes, on the first write and every later one (property)', () => {
    fc.assert(
      fc.property(tree, (raw) => {
        const plainCopy = structuredClone(raw);
        const data = viaCopy(raw);
        const plain = canonicalJson(plainCopy);
        const marked = markAll(raw);
        // Data mode first, then plain, then both again: a Date inside is a string in one mode and {} in the other.
        expect(canonicalDataJson(marked)).toBe(data);
        expect(canonicalJson(marked)).toBe(plain);
        expect(canonicalDataJson(marked)).toBe(data);
        expect(canonicalJson({ inside: [marked, marked] })).toBe(canonicalJson({ inside: [plainCopy, plainCopy] }));
      }),
      { numRuns: 300 },
    );
  });

  it('freezes the value and leaves what JSON.stringify, Object.keys and equality see unchanged', () => {
    const verdict = { id: 'rep-1', reasons: [{ code: 'X', detail: 'y' }] };
    const marked = immutableData({ ...verdict });
    expect(Object.isFrozen(marked)).toBe(true);
    expect(Object.keys(marked)).toEqual(['id', 'reasons']);
    expect(JSON.stringify(marked)).toBe(JSON.stringify(verdict));
    expect(marked).toStrictEqual(verdict);
    expect(canonicalDataJson(marked)).toBe('{"id":"rep-1","reasons":[{"code":"X","detail":"y"}]}');
  });

  it('asks an object with toJSON again under each key, kept or not', () => {
    const v = immutableData({ toJSON: (key: string) => `under ${key}` });
    expect(canonicalDataJson({ a: v, b: [v] })).toBe('{"a":"under a","b":["under 0"]}');
    expect(canonicalJson({ a: v })).toBe('{"a":{}}');
    const self = immutableData({
      n: 1,
      toJSON(this: object) {
        return this;
      },
    });
    expect(canonicalDataJson({ x: self, y: [self] })).toBe('{"x":{"n":1},"y":[{"n":1}]}');
  });

  it('keeps nothing for an object already frozen before it was declared (it is written every time, correctly)', () => {
    const inner: { n: number } = { n: 1 };
    const outer = Object.freeze({ inner });
    immutableData(outer);
    expect(canonicalJson(outer)).toBe('{"inner":{"n":1}}');
    inner.n = 2; // not declared immutable data, so not kept: the change shows
    expect(canonicalJson(outer)).toBe('{"inner":{"n":2}}');
  });

  it('jsonString and the writer are JSON.stringify for any string and number (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.double(), (s, n) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
        expect(canonicalJson([s, n, true, false])).toBe(JSON.stringify([s, n, true, false]));
      }),
      { numRuns: 500 },
    );
  });
});
