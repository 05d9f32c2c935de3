import { describe, expect, it } from 'vitest';
import { checkSegregation, type PersonFacts } from '../../src/domain/access/segregation-of-duties.ts';

/** The segregation rule itself (docs/access.md "Segregation of duties"): every reason, both directions, the window's edges. */

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-05T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const person = (id: string, facts: Partial<PersonFacts> = {}): PersonFacts => ({
  id,
  createdAt: iso(NOW - 400 * DAY),
  createdBy: 'system',
  grants: [],
  ...facts,
});
const verdict = (approver: PersonFacts, requester: PersonFacts | undefined, recentDays = 30) =>
  checkSegregation({ approver, requester, requesterId: requester?.id ?? 'system', now: NOW, recentDays });
const reasonOf = (v: ReturnType<typeof verdict>) => (v.ok ? 'ok' : v.reason);

describe('checkSegregation', () => {
  it('two people who never made each other anything are independent', () => {
    expect(verdict(person('a'), person('b'))).toEqual({ ok: true });
  });

  it('the same person is never their own approver, whatever the window', () => {
    expect(reasonOf(verdict(person('a'), person('a'), 0))).toBe('APPROVER_IS_REQUESTER');
  });

  it('each way one made the other, within the window, has its reason', () => {
    const recently = iso(NOW - 2 * DAY);
    const grant = (by: string) => [{ role: 'compliance' as const, grantedAt: recently, grantedBy: by }];
    expect(reasonOf(verdict(person('a'), person('b', { createdBy: 'a', createdAt: recently })))).toBe('APPROVER_CREATED_REQUESTER');
    expect(reasonOf(verdict(person('a'), person('b', { grants: grant('a') })))).toBe('APPROVER_GRANTED_REQUESTER_ROLE');
    expect(reasonOf(verdict(person('a', { createdBy: 'b', createdAt: recently }), person('b')))).toBe('REQUESTER_CREATED_APPROVER');
    expect(reasonOf(verdict(person('a', { grants: grant('b') }), person('b')))).toBe('REQUESTER_GRANTED_APPROVER_ROLE');
  });

  it('the window: exactly recentDays ago still counts, a moment before does not', () => {
    const at = (ms: number) => person('b', { createdBy: 'a', createdAt: iso(ms) });
    expect(reasonOf(verdict(person('a'), at(NOW - 30 * DAY)))).toBe('APPROVER_CREATED_REQUESTER');
    expect(reasonOf(verdict(person('a'), at(NOW - 30 * DAY - 1)))).toBe('ok');
    expect(reasonOf(verdict(person('a'), at(NOW - 8 * DAY), 7))).toBe('ok');
    expect(reasonOf(verdict(person('a'), at(NOW - 6 * DAY), 7))).toBe('APPROVER_CREATED_REQUESTER');
  });

  it('a grant counts even when it was revoked since, and an old grant does not', () => {
    const revoked = { role: 'ops' as const, grantedAt: iso(NOW - DAY), grantedBy: 'a', revokedAt: iso(NOW - 1000), revokedBy: 'a' };
    expect(reasonOf(verdict(person('a'), person('b', { grants: [revoked] })))).toBe('APPROVER_GRANTED_REQUESTER_ROLE');
    const old = { role: 'ops' as const, grantedAt: iso(NOW - 90 * DAY), grantedBy: 'a' };
    expect(reasonOf(verdict(person('a'), person('b', { grants: [old] })))).toBe('ok');
  });

  it('a request by the system (no person) only needs an approver who is not "system"', () => {
    expect(verdict(person('a'), undefined)).toEqual({ ok: true });
  });
});
