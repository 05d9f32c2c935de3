import { describe, expect, it } from 'vitest';
import { rosterAlerts, type OverloadPolicy } from '../../src/domain/roster/roster-overload.ts';

/** Overload alerts (docs/operations.md "Overload alerts"): shares of today's leads and queue age, pure. */

const NOW = Date.parse('2026-12-05T10:00:00Z');
const MIN = 60_000;
const loads = (entries: Record<string, [team: string, today: number]>) =>
  Object.entries(entries).map(([repId, [teamId, today]]) => ({ repId, teamId, today }));

describe('roster overload alerts', () => {
  const policy: OverloadPolicy = { repShareOver: 0.5, teamShareOver: 0.7, queueAgeMinutes: 30, minLeads: 4 };

  it('no policy, or nothing configured in it: no alert, whatever the load', () => {
    const input = { loads: loads({ a: ['t1', 10] }), queued: [{ leadId: 'l1', teamId: 't1', sinceMs: NOW - 999 * MIN }], nowMs: NOW };
    expect(rosterAlerts(undefined, input)).toEqual([]);
    expect(rosterAlerts({ minLeads: 1 }, input)).toEqual([]);
  });

  it('a rep strictly over the share is REP_OVERLOADED; exactly at the share is not', () => {
    const over = rosterAlerts(policy, { loads: loads({ a: ['t1', 3], b: ['t2', 2] }), queued: [], nowMs: NOW });
    expect(over).toEqual([
      { kind: 'rep', code: 'REP_OVERLOADED', repId: 'a', teamId: 't1', leads: 3, total: 5, share: 0.6, threshold: 0.5 },
    ]);
    const level = rosterAlerts(policy, { loads: loads({ a: ['t1', 2], b: ['t2', 2] }), queued: [], nowMs: NOW });
    expect(level).toEqual([]);
  });

  it('shares wait for minLeads (the first lead of the day is not 100 % overload)', () => {
    expect(rosterAlerts(policy, { loads: loads({ a: ['t1', 3], b: ['t2', 0] }), queued: [], nowMs: NOW })).toEqual([]);
    expect(rosterAlerts(policy, { loads: loads({ a: ['t1', 4], b: ['t2', 0] }), queued: [], nowMs: NOW }).map((a) => a.code)).toEqual([
      'REP_OVERLOADED',
      'TEAM_OVERLOADED',
    ]);
  });

  it('a team sums its reps: TEAM_OVERLOADED even when no single rep is over', () => {
    const alerts = rosterAlerts(policy, { loads: loads({ a: ['t1', 4], b: ['t1', 4], c: ['t2', 2] }), queued: [], nowMs: NOW });
    expect(alerts).toEqual([{ kind: 'team', code: 'TEAM_OVERLOADED', teamId: 't1', leads: 8, total: 10, share: 0.8, threshold: 0.7 }]);
  });

  it('QUEUE_AGED per team: only leads waiting longer than the age count; the oldest is named', () => {
    const queued = [
      { leadId: 'fresh', teamId: 't1', sinceMs: NOW - 10 * MIN },
      { leadId: 'old', teamId: 't1', sinceMs: NOW - 45 * MIN },
      { leadId: 'older', teamId: 't1', sinceMs: NOW - 90 * MIN },
      { leadId: 'edge', teamId: 't2', sinceMs: NOW - 30 * MIN },
      { leadId: 'noteam', teamId: null, sinceMs: NOW - 31 * MIN },
    ];
    const alerts = rosterAlerts(policy, { loads: [], queued, nowMs: NOW });
    expect(alerts).toEqual([
      { kind: 'queue', code: 'QUEUE_AGED', teamId: null, waiting: 1, oldestLeadId: 'noteam', oldestMinutes: 31, threshold: 30 },
      { kind: 'queue', code: 'QUEUE_AGED', teamId: 't1', waiting: 2, oldestLeadId: 'older', oldestMinutes: 90, threshold: 30 },
    ]);
  });
});
