import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { entryLeafText, leafObject, storedLeafHashHex, storedLeafText, type ChainedEntry } from '../../src/audit/audit-entry.ts';
import { hashLeafTextHex } from '../../src/audit/tree-hash.ts';
import { jsonString } from '../../src/audit/canonical-text.ts';
import { canonicalJson } from '../../src/domain/shared/canonical-json.ts';

/** canonicalJson keeps an own `__proto__` key as data, but fast-check's records can't hold one faithfully; skip those samples. */
const hasProtoKey = (v: unknown): boolean => {
  if (v === null || typeof v !== 'object') return false;
  return Object.keys(v).some((k) => k === '__proto__' || hasProtoKey((v as Record<string, unknown>)[k]));
};

describe('entryLeafText', () => {
  it('is canonicalJson of the leaf object (its pre-sorted template is only a shortcut)', () => {
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
});

describe('storedLeafText', () => {
  // Quote, backslash, every control character, both surrogate halves alone and as a pair, DEL, non-ASCII.
  const awkward = fc.constantFrom('"', '\\', '\u0000', '\u001f', '\n', '\ud800', '\udfff', '\ud83d\ude00', '\u007f', 'é', '€', 'a');
  const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: awkward }), fc.string());
  const rowFields = {
    seq: fc.nat(),
    kind: fc.oneof(fc.constantFrom('intake', 'decision'), text),
    subject: text,
    actor: text,
    at: text,
    prevHash: text,
  };

  it('jsonString is JSON.stringify of any string, lone surrogates and control characters included', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 2000) },
    );
  });

  it('is entryLeafText of the entry whose payload and commitments are the stored canonical texts', () => {
    const entry = fc.record({
      ...rowFields,
      payload: fc.jsonValue(),
      commitments: fc.dictionary(fc.string(), fc.string()),
    }) as fc.Arbitrary<ChainedEntry>;
    fc.assert(
      fc.property(entry, (e) => {
        if (hasProtoKey(e)) return;
        const stored = { ...e, payloadText: canonicalJson(e.payload)!, commitmentsText: canonicalJson(e.commitments)!, entryHash: '' };
        expect(storedLeafText(stored)).toBe(entryLeafText(e));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
    );
  });

  // Any stored texts, altered ones too: surrogate halves at a payload's either end, where the pieces meet (lane alloc).
  it('storedLeafHashHex is the leaf hash of storedLeafText, hashed piece by piece, at the row seq and at another', () => {
    const row = fc.record({ ...rowFields, payloadText: text, commitmentsText: text, entryHash: fc.constant('') });
    fc.assert(
      fc.property(row, fc.nat(), (r, asSeq) => {
        expect(storedLeafHashHex(r)).toBe(hashLeafTextHex(storedLeafText(r)));
        expect(storedLeafHashHex(r, asSeq)).toBe(hashLeafTextHex(storedLeafText(r, asSeq)));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 1000) },
    );
    // A decision entry's size, with a non-Latin-1 character (two-byte text), against an independent hash of the whole.
    const big = { seq: 7, kind: 'decision', subject: 'lead-1', actor: 'system', at: 'now', prevHash: 'p', entryHash: '' };
    const stored = { ...big, payloadText: `{"decision":${JSON.stringify('options — '.repeat(3000))}}`, commitmentsText: '{}' };
    const whole = Buffer.concat([Buffer.of(0), Buffer.from(storedLeafText(stored), 'utf8')]);
    expect(storedLeafHashHex(stored)).toBe(createHash('sha256').update(whole).digest('hex'));
  });
});
