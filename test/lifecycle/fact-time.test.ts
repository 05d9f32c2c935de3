import { describe, expect, it } from 'vitest';
import { checkFactTime } from '../../src/domain/lifecycle/fact-time.ts';

const HOUR = 3_600_000;
const received = Date.parse('2026-11-24T11:00:00Z');
const now = received + 48 * HOUR;
const base = { now, leadReceivedAt: received, maxBackdatingMs: 24 * HOUR, mayExceedBound: false };

describe('checkFactTime (finding W4)', () => {
  it('accepts a fact dated within the bound, up to a minute of clock skew ahead', () => {
    for (const at of [now, now - 24 * HOUR, now + 59_000])
      expect(checkFactTime({ ...base, at })).toEqual({ kind: 'accepted', beyondBound: null });
  });
  it('refuses a fact in the future or before the lead was received, whoever records it', () => {
    for (const mayExceedBound of [false, true]) {
      expect(checkFactTime({ ...base, mayExceedBound, at: now + 61_000 })).toMatchObject({ kind: 'refused', reasonCode: 'FACT_IN_FUTURE' });
      expect(checkFactTime({ ...base, mayExceedBound, at: received - 1 })).toMatchObject({
        kind: 'refused',
        reasonCode: 'FACT_BEFORE_LEAD',
      });
      expect(checkFactTime({ ...base, mayExceedBound, at: Date.parse('1990-01-01T00:00:00Z') })).toMatchObject({
        kind: 'refused',
        reasonCode: 'FACT_BEFORE_LEAD',
      });
    }
  });
  it('beyond the bound: refused to ordinary callers, accepted for those who may exceed it with the distance recorded', () => {
    const at = now - 30 * HOUR;
    const refused = checkFactTime({ ...base, at });
    expect(refused).toMatchObject({ kind: 'refused', reasonCode: 'FACT_BACKDATED_TOO_FAR' });
    expect(refused.kind === 'refused' && refused.detail).toContain('30 h back; facts may be dated at most 24 h back');
    expect(checkFactTime({ ...base, at, mayExceedBound: true })).toEqual({
      kind: 'accepted',
      beyondBound: { backdatedMs: 30 * HOUR, boundMs: 24 * HOUR },
    });
    expect(checkFactTime({ ...base, at, maxBackdatingMs: 36 * HOUR })).toEqual({ kind: 'accepted', beyondBound: null });
  });
});
