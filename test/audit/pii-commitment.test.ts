import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent, JsonValue } from '../../src/audit/audit-entry.ts';
import { AuditSealer } from '../../src/audit/audit-sealer.ts';
import { commitPersonalData, openCommitments, splitPersonalData, verifyCommitment } from '../../src/audit/pii-commitment.ts';
import { verifyLog } from '../../src/audit/verify-log.ts';
import { LOG_ID, event, newKey } from './audit-fixtures.ts';

const intake: JsonValue = {
  lead: {
    id: 'lead-42',
    name: 'Maria Gonzalez',
    email: 'maria@example.com',
    phone: '+13055550100',
    dob: '1961-04-12',
    jurisdiction: 'US-FL',
    product: 'term-life',
  },
  consent: { marketing: true, basis: 'consent', capturedAt: '2026-03-01T09:00:00Z' },
};
const PERSONAL = ['lead.name', 'lead.email', 'lead.phone', 'lead.dob', 'lead.missing'];

describe('personal-data commitments (C8, scenario 14)', () => {
  it('splits a payload: no raw personal data in the audit part; commitments open with the salt', () => {
    const salt = randomBytes(32);
    const split = splitPersonalData(intake, PERSONAL, salt);
    expect(split.auditPayload).toEqual({
      lead: { id: 'lead-42', jurisdiction: 'US-FL', product: 'term-life' },
      consent: { marketing: true, basis: 'consent', capturedAt: '2026-03-01T09:00:00Z' },
    });
    expect(Object.keys(split.commitments)).toEqual(['lead.dob', 'lead.email', 'lead.name', 'lead.phone']);
    expect(split.personal).toEqual({
      'lead.dob': '1961-04-12',
      'lead.email': 'maria@example.com',
      'lead.name': 'Maria Gonzalez',
      'lead.phone': '+13055550100',
    });
    const text = JSON.stringify([split.auditPayload, split.commitments]);
    for (const v of Object.values(split.personal)) expect(text).not.toContain(String(v));
    expect(verifyCommitment(split.commitments['lead.email']!, 'lead.email', 'maria@example.com', salt)).toEqual({ kind: 'match' });
    expect(verifyCommitment(split.commitments['lead.email']!, 'lead.email', 'maria@example.org', salt)).toEqual({ kind: 'mismatch' });
    // bound to the field: the same value under another field name does not open it
    const both = commitPersonalData({ a: 'x', b: 'x' }, salt);
    expect(both['a']).not.toBe(both['b']);
    // and to the salt: another subject's salt does not open it
    expect(verifyCommitment(split.commitments['lead.dob']!, 'lead.dob', '1961-04-12', randomBytes(32))).toEqual({ kind: 'mismatch' });
    expect(verifyCommitment('sha256:abc', 'lead.dob', '1961-04-12', salt).kind).toBe('malformed');
    // the input payload is not modified
    expect((intake as { lead: { email: string } }).lead.email).toBe('maria@example.com');
  });

  it('erasure removes salt and values; the log still verifies end to end; commitments can no longer be opened', async () => {
    const key = newKey();
    const personalStore = new Map<string, { salt: Buffer; values: Readonly<Record<string, JsonValue>> }>();
    const salt = randomBytes(32);
    const split = splitPersonalData(intake, PERSONAL, salt);
    personalStore.set('lead-42', { salt, values: split.personal });

    const sealer = AuditSealer.start(LOG_ID);
    const events: AuditEvent[] = [
      event(0),
      {
        kind: 'intake',
        subject: 'lead-42',
        actor: 'api:web-form',
        at: '2026-03-01T09:00:00.000Z',
        payload: split.auditPayload,
        commitments: split.commitments,
      },
      event(2),
    ];
    const rows = sealer.seal(events);
    const cp1 = sealer.checkpoint('2026-03-01T09:00:01.000Z', key.signer);
    if (!cp1.ok) throw new Error('sign');
    for (const v of Object.values(split.personal)) expect(JSON.stringify(rows)).not.toContain(String(v));

    // before erasure: what was recorded can be proven
    const held = personalStore.get('lead-42')!;
    expect(Object.values(openCommitments(rows[1]!.commitments, held.values, held.salt)).every((c) => c.kind === 'match')).toBe(true);

    // erasure request: delete salt and values; record the erasure itself (no PII in it)
    personalStore.delete('lead-42');
    rows.push(
      ...sealer.seal([
        {
          kind: 'erasure',
          subject: 'lead-42',
          actor: 'user:dpo',
          at: '2026-04-01T00:00:00.000Z',
          payload: { request: 'gdpr-17', fields: Object.keys(split.commitments) },
          commitments: {},
        },
      ]),
    );
    const cp2 = sealer.checkpoint('2026-04-01T00:00:01.000Z', key.signer);
    if (!cp2.ok) throw new Error('sign');

    const verified = await verifyLog(rows, [cp1.value, cp2.value], key.ring, { logId: LOG_ID });
    expect(verified).toMatchObject({ ok: true, entries: 4, checkpointsVerified: 2 });
    expect(
      verifyCommitment(rows[1]!.commitments['lead.email']!, 'lead.email', 'maria@example.com', personalStore.get('lead-42')?.salt),
    ).toEqual({ kind: 'erased' });
    expect(Object.values(openCommitments(rows[1]!.commitments, {}, undefined)).every((c) => c.kind === 'erased')).toBe(true);
    // guessing is useless without the salt: even the right birth date under a guessed salt does not match
    expect(verifyCommitment(rows[1]!.commitments['lead.dob']!, 'lead.dob', '1961-04-12', Buffer.alloc(32)).kind).toBe('mismatch');
  });

  it('removes every personal path in one pass exactly as one path at a time would: keys, order and copies', () => {
    // The reference: one path at a time, each object on the way copied per path (the split before lane sqlcpu2).
    const isObj = (v: JsonValue | undefined): v is Record<string, JsonValue> => v !== null && typeof v === 'object' && !Array.isArray(v);
    const withoutOne = (v: JsonValue, [head, ...rest]: readonly string[]): JsonValue => {
      if (head === undefined || !isObj(v) || !Object.hasOwn(v, head)) return v;
      const out: Record<string, JsonValue> = { ...v };
      if (rest.length === 0) delete out[head];
      else out[head] = withoutOne(v[head]!, rest);
      return out;
    };
    const has = (v: JsonValue, path: readonly string[]): boolean =>
      path.length === 0 || (isObj(v) && Object.hasOwn(v, path[0]!) && has(v[path[0]!]!, path.slice(1)));
    // Personal paths are the pipeline's own constants; payload keys are anything a client sends (`__proto__` too).
    const key = fc.constantFrom('a', 'b', 'c', 'lead', 'email');
    const payloadKey = fc.constantFrom('a', 'b', 'c', 'lead', 'email', '__proto__');
    const json: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom<JsonValue>(null, 1, 'x', true),
        fc.array(tie('v'), { maxLength: 2 }),
        fc.dictionary(payloadKey, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    const salt = randomBytes(32);
    fc.assert(
      fc.property(json, fc.array(fc.array(key, { minLength: 1, maxLength: 3 }), { maxLength: 6 }), (payload, paths) => {
        const dotted = paths.map((p) => p.join('.'));
        const before = JSON.stringify(payload);
        const split = splitPersonalData(payload, dotted, salt);
        const present = [...new Set(dotted)].sort().filter((p) => has(payload, p.split('.')));
        const expected = present.reduce((v, p) => withoutOne(v, p.split('.')), payload);
        expect(JSON.stringify(split.auditPayload)).toBe(JSON.stringify(expected));
        expect(Object.keys(split.personal)).toEqual(present);
        expect(JSON.stringify(payload)).toBe(before); // the input is never modified
        if (present.length === 0) expect(split.auditPayload).toBe(payload);
      }),
      { numRuns: 400 },
    );
    // A path under a removed one, and siblings at two depths, in one payload.
    const nested: JsonValue = { lead: { contact: { email: 'e', phone: 'p', kind: 'k' }, id: 'L' }, other: { email: 'o' } };
    const split = splitPersonalData(nested, ['lead.contact.email', 'lead.contact', 'other.email', 'lead.contact.phone'], salt);
    expect(split.auditPayload).toEqual({ lead: { id: 'L' }, other: {} });
    expect(Object.keys(split.personal)).toEqual(['lead.contact', 'lead.contact.email', 'lead.contact.phone', 'other.email']);
  });
});
