import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASSIGNMENT_PAYLOAD_FIELDS,
  AuditedAssignments,
  assignmentAfter,
  type AuditedAssignment,
} from '../../src/app/audit/assignment-cross-check.ts';
import { projectPayload, projectPayloadText, type AuditKind, type JsonValue } from '../../src/audit/index.ts';

/**
 * `audit verify` of a large log sends the assignment cross-check only the payload fields it reads, parsed where the rows
 * are read (issue 18; src/audit/payload-projection.ts). The cross-check must not be able to tell: for any payload and
 * any previous assignment, assignmentAfter gives the same answer for the projection as for the whole payload.
 */

const kinds = Object.keys(ASSIGNMENT_PAYLOAD_FIELDS) as AuditKind[];
const words = ['decision', 'outcome', 'team', 'rep', 'id', 'action', 'teamId', 'repId', 'to', 'result'];
const strings = fc.oneof(
  fc.constantFrom('ASSIGNED', 'REFUSED', 'review.approved', 'transition', 'duplicate', 'personal_data.erased', 'LOST', ''),
  fc.string(),
);
// Payloads shaped like the ones assignmentAfter reads, with every key sometimes absent, null, an array, a number, an
// object or a string, nested three deep, plus keys it does not read.
const value: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    strings,
    fc.constant(null),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('v'), { maxLength: 2 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 3 })), tie('v'), { maxKeys: 5 }),
  ),
})).v;
const payload = fc.oneof(value, fc.dictionary(fc.constantFrom(...words), value, { maxKeys: 6 }));
const previous: fc.Arbitrary<AuditedAssignment | undefined> = fc.option(
  fc.record({
    kind: fc.constantFrom(...kinds),
    seq: fc.option(fc.nat(), { nil: null }),
    status: strings,
    teamId: fc.option(strings, { nil: null }),
    repId: fc.option(strings, { nil: null }),
  }),
  { nil: undefined },
);

describe('the assignment cross-check on projected payloads', () => {
  it('assignmentAfter answers the same for the projection as for the whole payload, every kind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), payload, previous, fc.nat(), (kind, p, prev, seq) => {
        const whole = assignmentAfter(prev, { kind, payload: p, seq });
        const projected = assignmentAfter(prev, { kind, payload: projectPayload(p, ASSIGNMENT_PAYLOAD_FIELDS[kind]!), seq });
        expect(projected).toEqual(whole);
      }),
      { numRuns: 20_000 },
    );
  });

  it('folding digests of projected payloads gives the same assignments as folding the stored rows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom<AuditKind>(...kinds, 'intake'), subject: fc.constantFrom('a', 'b'), p: payload }), {
          maxLength: 12,
        }),
        (entries) => {
          const rows = entries.map((e, seq) => ({ seq, kind: e.kind, subject: e.subject, payloadText: JSON.stringify(e.p) }));
          const byRows = new AuditedAssignments();
          for (const r of rows) byRows.addStored(r);
          const byDigest = new AuditedAssignments();
          const fields = ASSIGNMENT_PAYLOAD_FIELDS as Readonly<Record<string, readonly (readonly string[])[]>>;
          const payloads = rows
            .filter((r) => fields[r.kind] !== undefined)
            .map((r) => ({ seq: r.seq, kind: r.kind, subject: r.subject, payload: projectPayloadText(r.payloadText, fields[r.kind]!) }));
          const leaves = new Uint8Array(32 * rows.length);
          byDigest.addDigest({ kind: 'clean', from: 0, to: rows.length, firstPrevHash: '', lastEntryHash: '', leaves, payloads });
          expect([...byDigest.bySubject]).toEqual([...byRows.bySubject]);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  // The fold of stored rows (verification method rows, and the cross-check reading the log itself) reads only the
  // projected fields of each payload text; it must add up exactly as parsing the whole text and reading that did, for any
  // text: canonical, spaced, with duplicate or escaped keys, cut short or altered (not JSON: assigns nothing), and for
  // any kind, altered ones included.
  it('folding stored rows by projection gives the same assignments as folding their whole parsed payloads, any text', () => {
    const escapeFirst = (k: string) => (k.length > 0 ? `\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}` : k);
    const objectText = fc
      .array(fc.tuple(fc.constantFrom(...words, '__proto__'), value, fc.boolean()), { maxLength: 6 })
      .map((pairs) => `{${pairs.map(([k, v, esc]) => `"${esc ? escapeFirst(k) : k}":${JSON.stringify(v)}`).join(',')}}`);
    // Payloads that do assign, for some kind (most arbitrary ones do not), with keys sometimes missing.
    const assigning = fc.oneof(
      fc.record(
        {
          decision: fc.record({ outcome: strings, team: fc.record({ id: strings }), rep: fc.option(fc.record({ id: strings })) }),
          x: value,
        },
        { requiredKeys: ['decision'] },
      ),
      fc.record(
        {
          action: fc.constantFrom('review.approved', 'transition', 'personal_data.erased'),
          teamId: strings,
          repId: strings,
          to: strings,
          result: fc.constantFrom('duplicate', 'unique'),
        },
        { requiredKeys: [] },
      ),
    );
    const json = fc.oneof(
      assigning.map((p) => JSON.stringify(p)),
      assigning.map((p) => JSON.stringify(p, null, 1)),
      payload.map((p) => JSON.stringify(p)),
      payload.map((p) => JSON.stringify(p, null, 1)),
      objectText,
    );
    const altered = fc
      .tuple(json, fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 2 }))
      .map(([t, at, cut, put]) => t.slice(0, at % (t.length + 1)) + put + t.slice((at % (t.length + 1)) + cut));
    const text = fc.oneof(json, altered, fc.string());
    const kind = fc.constantFrom(...kinds, 'intake', 'constructor', '__proto__', 'toString');
    /** addStored as it was: the whole text parsed, then assignmentAfter on all of it. */
    const wholeFold = (rows: readonly { seq: number; kind: string; subject: string; payloadText: string }[]) => {
      const by = new Map<string, AuditedAssignment>();
      for (const r of rows) {
        if (!(kinds as string[]).includes(r.kind)) continue;
        let p: JsonValue;
        try {
          p = JSON.parse(r.payloadText) as JsonValue;
        } catch {
          continue;
        }
        const next = assignmentAfter(by.get(r.subject), { kind: r.kind as AuditKind, payload: p, seq: r.seq });
        if (next !== undefined) by.set(r.subject, next);
      }
      return [...by];
    };
    fc.assert(
      fc.property(fc.array(fc.record({ kind, subject: fc.constantFrom('a', 'b'), payloadText: text }), { maxLength: 10 }), (entries) => {
        const rows = entries.map((e, seq) => ({ seq, ...e }));
        const folded = new AuditedAssignments();
        for (const r of rows) folded.addStored(r);
        expect([...folded.bySubject]).toEqual(wholeFold(rows));
      }),
      { numRuns: 5_000 },
    );
  });

  it('projects to the fields asked for: strings kept, other values null, absent keys absent, non-objects not entered', () => {
    const paths = ASSIGNMENT_PAYLOAD_FIELDS.decision!;
    expect(
      projectPayload({ decision: { outcome: 'ASSIGNED', team: { id: 't', name: 'T' }, rep: null, x: 1 }, big: [1, 2] }, paths),
    ).toEqual({
      decision: { outcome: 'ASSIGNED', team: { id: 't' }, rep: null },
    });
    expect(projectPayload({ decision: { outcome: 7, team: ['t'], rep: { id: 3 } } }, paths)).toEqual({
      decision: { outcome: null, team: null, rep: { id: null } },
    });
    expect(projectPayload({ decision: 'x' }, paths)).toEqual({ decision: null });
    expect(projectPayload({}, paths)).toEqual({});
    expect(projectPayload(['decision'], paths)).toBeNull();
    expect(projectPayload('text', paths)).toBeNull();
    expect(projectPayloadText('{"to":"LOST","action":{"a":1}}', ASSIGNMENT_PAYLOAD_FIELDS.lifecycle!)).toEqual({
      to: 'LOST',
      action: null,
    });
    expect(projectPayloadText('{"to":', ASSIGNMENT_PAYLOAD_FIELDS.lifecycle!)).toBeNull();
    // Own keys only: a key on Object.prototype is not a payload field.
    expect(projectPayload({ a: 'x' }, [['toString'], ['constructor', 'name']])).toEqual({});
  });
});
