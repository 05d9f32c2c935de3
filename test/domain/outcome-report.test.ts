import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationStats } from '../../src/domain/shared/duration-stats.ts';
import { wilson } from '../../src/domain/shared/wilson-interval.ts';
import { OUTCOME_KINDS } from '../../src/domain/outcomes/outcome-kind.ts';
import { NO_GROUP, OUTCOME_GROUPINGS, SMALL_SAMPLE, outcomeReport, type ReportedLead } from '../../src/domain/outcomes/outcome-report.ts';

const HOUR = 3_600_000;
const at = (h: number) => new Date(Date.parse('2026-03-02T10:00:00Z') + h * HOUR).toISOString();

function lead(id: string, rep: string | null, outcome: ReportedLead['outcome'], extra: Partial<ReportedLead> = {}): ReportedLead {
  return {
    leadId: id,
    receivedAt: at(0),
    firstContactAt: null,
    attribution: { rep, team: 'uk', rule: 'r1', source: 'web', segment: null, strategy: 'round-robin' },
    outcome,
    openValue: null,
    ...extra,
  };
}
const won = (value: number | null, h = 48) => ({ kind: 'WON' as const, value, currency: 'EUR', closedAt: at(h) });
const lost = (h = 24) => ({ kind: 'LOST' as const, value: null, currency: null, closedAt: at(h) });

describe('Wilson interval', () => {
  it('matches the published value for 8 of 10 and widens as n shrinks', () => {
    // Wilson (1927) / Newcombe (1998) table: 8/10 → [0.4902, 0.9433].
    expect(wilson(8, 10)).toEqual({ low: 0.4902, high: 0.9433 });
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
    const small = wilson(2, 4);
    const large = wilson(200, 400);
    expect(small.high - small.low).toBeGreaterThan(large.high - large.low);
  });

  it('property: contains the observed rate and stays inside [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const k = Math.floor(f * n);
        const i = wilson(k, n);
        expect(i.low).toBeGreaterThanOrEqual(0);
        expect(i.high).toBeLessThanOrEqual(1);
        expect(i.low).toBeLessThanOrEqual(k / n + 1e-4);
        expect(i.high).toBeGreaterThanOrEqual(k / n - 1e-4);
      }),
    );
  });
});

describe('outcome report', () => {
  it('groups by rep: conversion over leads with an outcome, values by currency, time to close and first contact', () => {
    const report = outcomeReport(
      [
        lead('l1', 'amelia', won(1200.5), { firstContactAt: at(1) }),
        lead('l2', 'amelia', lost(), { firstContactAt: at(3) }),
        lead('l3', 'amelia', null, { openValue: { value: 900, currency: 'EUR' } }),
        lead('l4', 'priya', { kind: 'DISQUALIFIED', value: null, currency: null, closedAt: at(2) }),
        lead('l5', null, null),
      ],
      'rep',
    );
    expect(report.groups.map((g) => g.key)).toEqual([NO_GROUP, 'amelia', 'priya']);
    const amelia = report.groups[1]!;
    expect(amelia).toMatchObject({ leads: 3, outcomes: 2, won: 1, smallSample: true, wonValue: { EUR: 1200.5 }, openValue: { EUR: 900 } });
    expect(amelia.conversion).toEqual({ rate: 0.5, ...wilson(1, 2) });
    expect(amelia.timeToClose).toEqual(durationStats([48 * HOUR, 24 * HOUR]));
    expect(amelia.timeToFirstContact).toEqual(durationStats([HOUR, 3 * HOUR]));
    expect(report.groups[2]!.conversion.rate).toBe(0);
    expect(report.groups[0]!.conversion).toEqual({ rate: null, low: 0, high: 1 });
    expect(report.overall).toMatchObject({ key: 'all', leads: 5, outcomes: 3, won: 1 });
  });

  it('groups by period (UTC month received) and warns below 30 outcomes only', () => {
    const many = Array.from({ length: SMALL_SAMPLE }, (_, i) => lead(`m${i}`, 'amelia', i % 3 === 0 ? won(10) : lost()));
    const april = lead('a1', 'amelia', won(5), { receivedAt: '2026-04-01T00:00:00.000Z' });
    const report = outcomeReport([...many, april], 'period');
    expect(report.groups.map((g) => [g.key, g.outcomes, g.smallSample])).toEqual([
      ['2026-03', SMALL_SAMPLE, false],
      ['2026-04', 1, true],
    ]);
  });

  const arbLead = fc.record({
    rep: fc.constantFrom('a', 'b', 'c', null),
    kind: fc.option(fc.constantFrom(...OUTCOME_KINDS)),
    value: fc.option(fc.integer({ min: 0, max: 10_000 })),
    h: fc.integer({ min: 0, max: 2000 }),
  });

  it('property: under every grouping, groups partition the leads and their counts add up to the overall row', () => {
    fc.assert(
      fc.property(fc.array(arbLead, { maxLength: 60 }), fc.constantFrom(...OUTCOME_GROUPINGS), (specs, by) => {
        const leads = specs.map((s, i) =>
          lead(`l${i}`, s.rep, s.kind === null ? null : { kind: s.kind, value: s.value, currency: 'EUR', closedAt: at(s.h) }, {
            receivedAt: at(-s.h),
          }),
        );
        const r = outcomeReport(leads, by);
        const sum = (f: (g: (typeof r.groups)[number]) => number) => r.groups.reduce((t, g) => t + f(g), 0);
        expect(sum((g) => g.leads)).toBe(leads.length);
        expect(sum((g) => g.outcomes)).toBe(r.overall.outcomes);
        expect(sum((g) => g.won)).toBe(r.overall.won);
        expect(sum((g) => g.wonValue.EUR ?? 0)).toBeCloseTo(r.overall.wonValue.EUR ?? 0, 6);
        for (const g of r.groups) {
          expect(g.won).toBeLessThanOrEqual(g.outcomes);
          expect(g.smallSample).toBe(g.outcomes < SMALL_SAMPLE);
          if (g.conversion.rate !== null) {
            expect(g.conversion.low).toBeLessThanOrEqual(g.conversion.rate + 1e-4);
            expect(g.conversion.high).toBeGreaterThanOrEqual(g.conversion.rate - 1e-4);
          }
        }
      }),
    );
  });
});
