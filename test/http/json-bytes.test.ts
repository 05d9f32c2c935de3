import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../src/http/json-bytes.ts';

describe('jsonBytes', () => {
  it('is the UTF-8 encoding of JSON.stringify, non-Latin-1 characters and lone surrogates included (property)', () => {
    expect(jsonBytes({ reason: 'options, futures) — limitation', name: 'Zoë 😀', lone: '\ud800' }).toString('hex')).toBe(
      Buffer.from('{"reason":"options, futures) — limitation","name":"Zoë 😀","lone":"\\ud800"}', 'utf8').toString('hex'),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (body) => {
        expect(jsonBytes(body).equals(Buffer.from(JSON.stringify(body), 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
