import { beforeAll, describe, expect, it } from 'vitest';
import { checkOutreach } from '../../src/domain/conduct/check-outreach.ts';
import { compileOutreachGate, versioned, type OutreachGate } from '../../src/domain/conduct/outreach-gate.ts';
import type { OutreachPackData } from '../../src/domain/conduct/rule-pack.schema.ts';
import type { CompiledPacks } from '../../src/config/load-packs.ts';
import { iso, local, realPacks, ruleOf, ukCall, usCall } from './support/packs.ts';

let packs: CompiledPacks;
let gate: OutreachGate;
beforeAll(async () => {
  packs = await realPacks();
  gate = packs.outreach;
});

const NY = 'America/New_York';
const ny = (at: number) =>
  usCall(at, { recipient: { phone: '+12125550100', address: { country: 'US', subdivision: 'US-NY' }, timeZone: NY } });

describe('US spring forward (2026-03-08, 02:00 EST → 03:00 EDT)', () => {
  it('from 21:30 EST the evening before, next allowed is 08:00 EDT (12:00Z, not 13:00Z)', () => {
    const d = checkOutreach(ny(local(NY, '2026-03-07T21:30')), gate);
    expect(d.decision).toBe('deny');
    expect(d.nextAllowedAt).toBe('2026-03-08T12:00:00.000Z');
  });

  it('07:59 EDT is denied, 08:00 EDT allowed, 20:59 EDT allowed, 21:00 EDT denied', () => {
    expect(checkOutreach(ny(Date.parse('2026-03-08T11:59:00Z')), gate).decision).toBe('deny');
    expect(checkOutreach(ny(Date.parse('2026-03-08T12:00:00Z')), gate).decision).toBe('allow');
    expect(checkOutreach(ny(Date.parse('2026-03-09T00:59:00Z')), gate).decision).toBe('allow');
    expect(checkOutreach(ny(Date.parse('2026-03-09T01:00:00Z')), gate).decision).toBe('deny');
  });

  it('Florida 20:00 boundary on the change day (EDT)', () => {
    expect(checkOutreach(usCall(Date.parse('2026-03-08T23:59:00Z')), gate).decision).toBe('allow');
    const d = checkOutreach(usCall(Date.parse('2026-03-09T00:00:00Z')), gate);
    expect(d.decision).toBe('deny');
    expect(d.nextAllowedAt).toBe('2026-03-09T12:00:00.000Z');
  });
});

describe('US fall back (2026-11-01, 02:00 EDT → 01:00 EST)', () => {
  it('from 22:00 EDT the evening before, next allowed is 08:00 EST (13:00Z)', () => {
    const d = checkOutreach(ny(local(NY, '2026-10-31T22:00')), gate);
    expect(d.nextAllowedAt).toBe('2026-11-01T13:00:00.000Z');
  });

  it('in the repeated hour (01:30 EST, second pass) the call is denied and the answer is still 08:00 EST', () => {
    const d = checkOutreach(ny(Date.parse('2026-11-01T06:30:00Z')), gate);
    expect(d.decision).toBe('deny');
    expect(d.nextAllowedAt).toBe('2026-11-01T13:00:00.000Z');
  });

  it('20:59 EST allowed, 21:00 EST denied; Florida 19:59 EST allowed, 20:00 EST denied', () => {
    expect(checkOutreach(ny(Date.parse('2026-11-02T01:59:00Z')), gate).decision).toBe('allow');
    expect(checkOutreach(ny(Date.parse('2026-11-02T02:00:00Z')), gate).decision).toBe('deny');
    expect(checkOutreach(usCall(Date.parse('2026-11-02T00:59:00Z')), gate).decision).toBe('allow');
    expect(checkOutreach(usCall(Date.parse('2026-11-02T01:00:00Z')), gate).decision).toBe('deny');
  });
});

describe('UK transitions (2026-03-29 and 2026-10-25) with a local-hours pack', () => {
  // The UK has no statutory calling hours in REGULATORY.md: this firm-policy pack is test data only.
  let ukGate: OutreachGate;
  beforeAll(() => {
    const policy: OutreachPackData = {
      id: 'gb-firm-policy',
      kind: 'outreach',
      version: 'test',
      effective: '2026-01-01',
      sources: [{ id: 'policy', citation: 'Firm calling policy (test)', url: 'https://example.com/policy' }],
      rules: [
        {
          id: 'gb-calling-hours',
          kind: 'quiet_hours',
          title: 'UK calls 09:00–20:00',
          source: 'policy',
          jurisdictions: ['GB'],
          locatedBy: ['address', 'phone'],
          channels: ['call'],
          purposes: ['marketing'],
          allowed: { from: '09:00', to: '20:00' },
        },
      ],
    };
    ukGate = compileOutreachGate([...packs.loaded.outreach, versioned(policy)], packs.loaded.areaCodes, packs.loaded.timeZones);
  });

  it('spring forward: from 21:00 GMT Saturday, next allowed is 09:00 BST Sunday (08:00Z)', () => {
    const d = checkOutreach(ukCall(Date.parse('2026-03-28T21:00:00Z')), ukGate);
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'gb-calling-hours').reasonCode).toBe('OUTSIDE_CALLING_HOURS');
    expect(d.nextAllowedAt).toBe('2026-03-29T08:00:00.000Z');
    expect(checkOutreach(ukCall(Date.parse('2026-03-29T07:59:00Z')), ukGate).decision).toBe('deny');
  });

  it('fall back: from 21:00 BST Saturday, next allowed is 09:00 GMT Sunday (09:00Z)', () => {
    const d = checkOutreach(ukCall(Date.parse('2026-10-24T20:00:00Z')), ukGate);
    expect(d.nextAllowedAt).toBe('2026-10-25T09:00:00.000Z');
    expect(checkOutreach(ukCall(Date.parse('2026-10-25T08:30:00Z')), ukGate).decision).toBe('deny');
    expect(checkOutreach(ukCall(Date.parse('2026-10-25T19:59:00Z')), ukGate).decision).toBe('allow');
    expect(checkOutreach(ukCall(Date.parse('2026-10-25T20:00:00Z')), ukGate).decision).toBe('deny');
  });
});

describe('area code vs address state: the stricter wins in both directions', () => {
  const at = local(NY, '2026-06-10T20:30');

  it('Georgia address, Florida (305) number → FL 20:00 applies via the area code', () => {
    const d = checkOutreach(
      usCall(at, { recipient: { phone: '+13055550123', address: { country: 'US', subdivision: 'US-GA' }, timeZone: NY } }),
      gate,
    );
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'us-fl-calling-hours').detail).toContain('area code 305');
  });

  it('Florida address, Georgia (404) number → FL 20:00 applies via the address', () => {
    const d = checkOutreach(
      usCall(at, { recipient: { phone: '+14045550123', address: { country: 'US', subdivision: 'US-FL' }, timeZone: NY } }),
      gate,
    );
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'us-fl-calling-hours').detail).toContain('(address)');
  });

  it('Georgia address, Georgia number → only the federal 21:00 limit: allowed', () => {
    expect(
      checkOutreach(
        usCall(at, { recipient: { phone: '+14045550123', address: { country: 'US', subdivision: 'US-GA' }, timeZone: NY } }),
        gate,
      ).decision,
    ).toBe('allow');
  });

  it('Texas address, Oklahoma (405) number → OK presumption; and Oklahoma address, Texas number', () => {
    const chi = local('America/Chicago', '2026-06-10T20:15');
    const a = checkOutreach(
      usCall(chi, { recipient: { phone: '+14055550100', address: { country: 'US', subdivision: 'US-TX' }, timeZone: 'America/Chicago' } }),
      gate,
    );
    expect(ruleOf(a, 'us-ok-calling-hours').result).toBe('fail');
    const b = checkOutreach(
      usCall(chi, { recipient: { phone: '+12145550100', address: { country: 'US', subdivision: 'US-OK' }, timeZone: 'America/Chicago' } }),
      gate,
    );
    expect(ruleOf(b, 'us-ok-calling-hours').result).toBe('fail');
  });

  it('California address, 305 number at 19:30 Pacific: 22:30 in Florida → denied; next slot satisfies both zones', () => {
    const d = checkOutreach(
      usCall(local('America/Los_Angeles', '2026-06-10T19:30'), {
        recipient: { phone: '+13055550123', address: { country: 'US', subdivision: 'US-CA' }, timeZone: 'America/Los_Angeles' },
      }),
      gate,
    );
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'us-federal-calling-hours').result).toBe('fail');
    expect(d.nextAllowedAt).toBe(iso(local('America/Los_Angeles', '2026-06-11T08:00')));
  });

  it('unknown recipient zone: every zone of the state must be in hours (Florida panhandle is Central)', () => {
    const rec = { phone: '+18505550123', address: { country: 'US', subdivision: 'US-FL' } };
    // 08:30 Eastern = 07:30 Central → still too early in the panhandle.
    const d = checkOutreach(usCall(local(NY, '2026-06-10T08:30'), { recipient: rec }), gate);
    expect(d.decision).toBe('deny');
    expect(d.nextAllowedAt).toBe(iso(local('America/Chicago', '2026-06-10T08:00')));
  });

  it('area-code caps: Texas address with Oklahoma number is capped at 3 per 24 h', () => {
    const chi = local('America/Chicago', '2026-06-10T11:00');
    const history = [1, 2, 3].map((h) => ({ channel: 'call' as const, at: chi - h * 3_600_000, subject: 'term-life' }));
    const d = checkOutreach(
      usCall(chi, {
        history,
        recipient: { phone: '+14055550100', address: { country: 'US', subdivision: 'US-TX' }, timeZone: 'America/Chicago' },
      }),
      gate,
    );
    expect(ruleOf(d, 'us-ok-call-cap').reasonCode).toBe('CALL_CAP_REACHED');
  });
});
