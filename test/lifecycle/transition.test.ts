import { beforeAll, describe, expect, it } from 'vitest';
import type { CoolingOffTable } from '../../src/domain/lifecycle/cooling-off.ts';
import { LEAD_STATES, type LeadState } from '../../src/domain/lifecycle/lead-state.ts';
import { transition, type TransitionContext } from '../../src/domain/lifecycle/transition.ts';
import { TRANSITIONS } from '../../src/domain/lifecycle/transitions.ts';
import { iso, local, realPacks } from '../conduct/support/packs.ts';

let table: CoolingOffTable;
beforeAll(async () => {
  table = (await realPacks()).coolingOff;
});

const LON = 'Europe/London';
const firstContact = local(LON, '2026-05-04T10:00');
const ctx = (at: number, productLines = ['investments']): TransitionContext => ({
  at,
  actor: 'rep:alice',
  coolingOff: { table, facts: { jurisdiction: 'GB', productLines, timeZone: LON, events: { first_contact: firstContact } } },
});

describe('lead lifecycle transitions', () => {
  it('walks the happy path NEW → ASSIGNED → ACCEPTED → CONTACTED → QUALIFIED → PROPOSAL → WON once cooling-off has elapsed', () => {
    const path: LeadState[] = ['NEW', 'ASSIGNED', 'ACCEPTED', 'CONTACTED', 'QUALIFIED', 'PROPOSAL', 'WON'];
    const at = local(LON, '2026-05-20T10:00');
    for (let i = 1; i < path.length; i++) {
      const r = transition(path[i - 1]!, path[i]!, ctx(at));
      expect(r.ok, `${path[i - 1]} → ${path[i]}`).toBe(true);
      if (r.ok) expect(r.event).toMatchObject({ kind: 'lead_transitioned', from: path[i - 1], to: path[i], actor: 'rep:alice' });
    }
  });

  it('rejects every move not in the table with INVALID_TRANSITION, naming where the target can be reached from', () => {
    for (const from of LEAD_STATES) {
      for (const to of LEAD_STATES) {
        const r = transition(from, to, ctx(local(LON, '2026-07-01T10:00')));
        if (TRANSITIONS[from].includes(to)) continue;
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        expect(r.code).toBe('INVALID_TRANSITION');
        expect(r.allowedFrom).toEqual(LEAD_STATES.filter((s) => TRANSITIONS[s].includes(to)));
        expect(r.event).toMatchObject({ kind: 'transition_blocked', code: 'INVALID_TRANSITION', from, to });
      }
    }
  });

  it('examples: NEW → WON, ERASED → NEW, WON → PROPOSAL, CONTACTED → PROPOSAL', () => {
    const at = local(LON, '2026-07-01T10:00');
    const newWon = transition('NEW', 'WON', ctx(at));
    expect(newWon).toMatchObject({ ok: false, code: 'INVALID_TRANSITION', allowedFrom: ['PROPOSAL'] });
    expect(transition('ERASED', 'NEW', ctx(at))).toMatchObject({ ok: false, code: 'INVALID_TRANSITION', allowedTargets: [] });
    expect(transition('WON', 'PROPOSAL', ctx(at))).toMatchObject({ ok: false, code: 'INVALID_TRANSITION', allowedFrom: ['QUALIFIED'] });
    expect(transition('CONTACTED', 'PROPOSAL', ctx(at))).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
  });

  it('unknown states are rejected with UNKNOWN_STATE', () => {
    expect(transition('DRAFT' as LeadState, 'NEW', ctx(firstContact))).toMatchObject({ ok: false, code: 'UNKNOWN_STATE' });
  });

  it('blocks QUALIFIED → PROPOSAL during cooling-off with the earliest time and the pack entry, and records the attempt', () => {
    const r = transition('QUALIFIED', 'PROPOSAL', ctx(local(LON, '2026-05-10T10:00')));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('COOLING_OFF_ACTIVE');
    expect(r.earliestAllowedAt).toBe(iso(local(LON, '2026-05-18T10:00')));
    expect(r.coolingOff).toMatchObject({ entryId: 'gb-cobs15-other', packId: 'cooling-off-gb' });
    expect(r.coolingOff?.source.citation).toContain('COBS 15');
    expect(r.event).toMatchObject({ kind: 'transition_blocked', code: 'COOLING_OFF_ACTIVE', earliestAllowedAt: r.earliestAllowedAt });
    const later = transition('QUALIFIED', 'PROPOSAL', ctx(local(LON, '2026-05-18T10:00')));
    expect(later.ok).toBe(true);
    if (later.ok)
      expect(later.event.kind === 'lead_transitioned' && later.event.coolingOff.map((c) => c.entryId)).toEqual(['gb-cobs15-other']);
  });

  it('UK GAP: the pack holds back the sale (WON), not the proposal', () => {
    const info = local(LON, '2026-05-04T15:00');
    const gap = (at: number): TransitionContext => ({
      at,
      actor: 'rep:alice',
      coolingOff: {
        table,
        facts: {
          jurisdiction: 'GB',
          productLines: ['gap_insurance'],
          timeZone: LON,
          events: { first_contact: info, information_provided: info },
        },
      },
    });
    expect(transition('QUALIFIED', 'PROPOSAL', gap(info + 60_000)).ok).toBe(true);
    expect(transition('PROPOSAL', 'WON', gap(local(LON, '2026-05-06T23:59')))).toMatchObject({
      ok: false,
      code: 'COOLING_OFF_ACTIVE',
      earliestAllowedAt: iso(local(LON, '2026-05-07T00:00')),
    });
    expect(transition('PROPOSAL', 'WON', gap(local(LON, '2026-05-07T00:00'))).ok).toBe(true);
  });

  it('moves that are not binding steps ignore cooling-off', () => {
    expect(transition('CONTACTED', 'QUALIFIED', ctx(firstContact + 1000)).ok).toBe(true);
  });
});
