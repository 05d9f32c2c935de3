import { describe, expect, it } from 'vitest';
import { announcementOf, expiringGrants } from '../../src/domain/notifications/expiring-grants.ts';
import type { OrgConfig } from '../../src/domain/org/org-config.schema.ts';

/** licence.expiring (pure): which grants and appointments end within the horizon, with whole days left. */
const NOW = Date.parse('2026-11-24T11:00:00Z');
const licence = (id: string, holder: object, validTo: string | undefined, extra: object = {}) => ({
  id,
  holder,
  regulator: 'FCA',
  jurisdiction: 'GB',
  activity: 'x',
  productLines: ['deposits'],
  customerTypes: ['retail'],
  basis: 'home',
  validFrom: '2020-01-01',
  ...(validTo ? { validTo } : {}),
  status: 'active',
  ...extra,
});
const config = {
  reps: [
    { id: 'ann', status: 'active' },
    { id: 'bob', status: 'left' },
  ],
  licences: [
    licence('firm-1', { kind: 'firm', entity: 'uk' }, '2026-12-01'),
    licence('ann-1', { kind: 'individual', rep: 'ann' }, '2026-12-24'), // 30.5 days: outside 30
    licence('ann-2', { kind: 'individual', rep: 'ann' }, '2026-11-24'), // ends tonight: 1 day left
    licence('ann-3', { kind: 'individual', rep: 'ann' }, '2026-11-23'), // already over: not "expiring"
    licence('ann-4', { kind: 'individual', rep: 'ann' }, undefined), // open-ended
    licence('ann-5', { kind: 'individual', rep: 'ann' }, '2026-11-30', { status: 'revoked' }),
    licence('bob-1', { kind: 'individual', rep: 'bob' }, '2026-11-30'), // a leaver's
    licence('ny-1', { kind: 'individual', rep: 'ann' }, '2026-11-25', { timeZone: 'America/New_York' }),
  ],
  appointments: [
    {
      id: 'ap-1',
      rep: 'ann',
      carrier: 'acme',
      jurisdiction: 'US-NY',
      productLines: ['life'],
      validFrom: '2020-01-01',
      validTo: '2026-12-10T00:00:00Z',
      status: 'active',
    },
    {
      id: 'ap-2',
      rep: 'bob',
      carrier: 'acme',
      jurisdiction: 'US-NY',
      productLines: ['life'],
      validFrom: '2020-01-01',
      validTo: '2026-12-10',
      status: 'active',
    },
  ],
} as unknown as OrgConfig;

describe('expiring grants', () => {
  it('active grants of staying reps, and firm grants, ending within the horizon, soonest first', () => {
    expect(expiringGrants(config, NOW, 30).map((g) => [g.kind, g.grantId, g.daysLeft])).toEqual([
      ['rep-licence', 'ann-2', 1],
      ['rep-licence', 'ny-1', 2], // through the end of 25 Nov in New York: 05:00Z on the 26th
      ['firm-licence', 'firm-1', 8],
      ['appointment', 'ap-1', 16],
    ]);
    expect(expiringGrants(config, NOW, 1).map((g) => g.grantId)).toEqual(['ann-2']);
    expect(expiringGrants(config, NOW, 31).map((g) => g.grantId)).toContain('ann-1');
  });

  it('a firm grant is announced to compliance alone (no rep); a rep grant and an appointment name the rep', () => {
    const byId = new Map(expiringGrants(config, NOW, 30).map((g) => [g.grantId, announcementOf(g)]));
    expect(byId.get('firm-1')).toEqual({ subject: 'Firm licence (FCA)', holder: 'entity:uk', repId: null });
    expect(byId.get('ann-2')).toEqual({ subject: 'Licence (FCA)', holder: 'rep:ann', repId: 'ann' });
    expect(byId.get('ap-1')).toEqual({ subject: 'Carrier appointment (acme)', holder: 'rep:ann', repId: 'ann' });
  });
});
