import { randomBytes } from 'node:crypto';
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
});
