import fc from 'fast-check';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkOutreach } from '../../src/domain/conduct/check-outreach.ts';
import type { OutreachGate } from '../../src/domain/conduct/outreach-gate.ts';
import { realPacks, usCall } from './support/packs.ts';

let gate: OutreachGate;
beforeAll(async () => {
  gate = (await realPacks()).outreach;
});

// Independent oracle: its own small state tables, local hours computed straight with luxon.
const STATES = {
  FL: { areaCode: '305', zones: ['America/New_York', 'America/Chicago'], strict: true },
  GA: { areaCode: '404', zones: ['America/New_York'], strict: false },
  OK: { areaCode: '405', zones: ['America/Chicago'], strict: true },
  TX: { areaCode: '214', zones: ['America/Chicago', 'America/Denver'], strict: false },
  NY: { areaCode: '212', zones: ['America/New_York'], strict: false },
  CA: { areaCode: '213', zones: ['America/Los_Angeles'], strict: false },
  WA: { areaCode: '206', zones: ['America/Los_Angeles'], strict: true },
  MD: { areaCode: '410', zones: ['America/New_York'], strict: true },
} as const;
type State = keyof typeof STATES;
const stateKeys = Object.keys(STATES) as State[];

function oracleAllows(at: number, address: State, phone: State, tz: string | undefined): boolean {
  const known = tz ? [tz] : [];
  const locations: { state: State; zones: readonly string[] }[] =
    address === phone
      ? [{ state: address, zones: tz ? [tz] : STATES[address].zones }]
      : [
          { state: address, zones: tz ? [tz] : STATES[address].zones },
          { state: phone, zones: [...known, ...STATES[phone].zones] },
        ];
  return locations.every(({ state, zones }) =>
    zones.every((z) => {
      const h = DateTime.fromMillis(at, { zone: z }).hour;
      return h >= 8 && h < (STATES[state].strict ? 20 : 21);
    }),
  );
}

const START = Date.parse('2026-01-01T00:00:00Z');
const END = Date.parse('2027-01-01T00:00:00Z');

const scenario = fc.record({
  at: fc.integer({ min: START, max: END }).map((t) => t - (t % 60_000)),
  address: fc.constantFrom(...stateKeys),
  phone: fc.constantFrom(...stateKeys),
  knowZone: fc.boolean(),
});

const inputOf = (s: { at: number; address: State; phone: State; knowZone: boolean }, at = s.at) =>
  usCall(at, {
    recipient: {
      phone: `+1${STATES[s.phone].areaCode}5550100`,
      address: { country: 'US', subdivision: `US-${s.address}` },
      timeZone: s.knowZone ? STATES[s.address].zones[0] : undefined,
    },
  });

describe('quiet hours — properties over 2026 (both DST transitions included)', () => {
  it('the gate agrees with an independent oracle: no allow inside a quiet window, no deny outside one', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const d = checkOutreach(inputOf(s), gate);
        const tz = s.knowZone ? STATES[s.address].zones[0] : undefined;
        expect(d.decision).toBe(oracleAllows(s.at, s.address, s.phone, tz) ? 'allow' : 'deny');
      }),
      { numRuns: 1500 },
    );
  });

  it('nextAllowedAt, when given, is later, is itself allowed, and the minute before it is not', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const d = checkOutreach(inputOf(s), gate);
        if (d.decision === 'allow') {
          expect(d.nextAllowedAt).toBeNull();
          return;
        }
        expect(d.nextAllowedAt).not.toBeNull();
        const next = Date.parse(d.nextAllowedAt!);
        expect(next).toBeGreaterThan(s.at);
        expect(next - s.at).toBeLessThan(36 * 3_600_000);
        expect(checkOutreach(inputOf(s, next), gate).decision).toBe('allow');
        if (next - 60_000 >= s.at) expect(checkOutreach(inputOf(s, next - 60_000), gate).decision).toBe('deny');
      }),
      { numRuns: 1000 },
    );
  });
});
